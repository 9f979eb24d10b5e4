"""Tracking (issue 7, item 4): carrier reports by signed webhook or poll, the simulated carrier on
its schedule, the order delivered when its parcels are, and every bad report refused cleanly."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from logistics import events, services
from logistics.adapters import SIGNATURE_HEADER
from logistics.errors import LogisticsError, ParcelNotFound, WebhookRejected
from logistics.models import Shipment, TrackingEvent
from logistics.tasks import poll_tracking
from marketplace.core.models import Notification
from orders.fulfilment.services import ship_order
from orders.models import Order
from tests.logistics.fulfilment.builders import event, report, signed

pytestmark = pytest.mark.django_db
WEBHOOK = "/api/v1/logistics/webhooks/offline/"


@pytest.fixture
def parcel(shop, order, carriers):
    """The whole order shipped with the simulated carrier."""
    return ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIM7000001",
    )


def later(minutes):
    return (timezone.now() + timedelta(minutes=minutes)).isoformat()


def post(client, body, headers):
    extra = {f"HTTP_{key.upper().replace('-', '_')}": value for key, value in headers.items()}
    return client.post(WEBHOOK, data=body, content_type="application/json", **extra)


# --- The webhook service ------------------------------------------------------------------------
def test_a_signed_report_records_the_events_and_moves_the_parcel(parcel):
    body = report(
        parcel.tracking_number,
        event("picked_up", later(1), "e1"),
        event("in_transit", later(60), "e2", province="310000", location="Shanghai hub"),
    )

    result = services.receive_tracking_webhook("offline", body, signed(body))

    parcel.refresh_from_db()
    assert (result.recorded, result.duplicates) == (2, 0)
    assert parcel.state == Shipment.State.IN_TRANSIT
    assert parcel.picked_up_at is not None
    latest = parcel.events.order_by("-occurred_at").first()
    assert latest.status == "in_transit" and latest.region == "310000"
    assert "Shanghai" in latest.place and latest.source == "webhook"


def test_a_replayed_report_changes_nothing(parcel):
    body = report(parcel.tracking_number, event("in_transit", later(5), "e1"))
    services.receive_tracking_webhook("offline", body, signed(body))
    before = (TrackingEvent.objects.count(), Shipment.objects.get(pk=parcel.pk).updated_at)

    again = services.receive_tracking_webhook("offline", body, signed(body))

    assert (again.recorded, again.duplicates) == (0, 1)
    assert (TrackingEvent.objects.count(), Shipment.objects.get(pk=parcel.pk).updated_at) == before


def test_events_without_ids_are_recognised_by_their_content(parcel):
    body = report(parcel.tracking_number, event("in_transit", later(5), location="Hub"))
    services.receive_tracking_webhook("offline", body, signed(body))
    again = services.receive_tracking_webhook("offline", body, signed(body))
    assert again.recorded == 0


def test_an_older_report_arriving_late_is_kept_but_does_not_move_the_parcel_back(parcel):
    newer = report(parcel.tracking_number, event("out_for_delivery", later(120), "e2"))
    older = report(parcel.tracking_number, event("in_transit", later(60), "e1"))
    services.receive_tracking_webhook("offline", newer, signed(newer))

    services.receive_tracking_webhook("offline", older, signed(older))

    parcel.refresh_from_db()
    assert parcel.state == Shipment.State.OUT_FOR_DELIVERY
    assert parcel.events.count() == 3  # shipped, out for delivery, in transit


@pytest.mark.parametrize(
    "headers",
    [{}, {SIGNATURE_HEADER: "sha256=deadbeef"}, {SIGNATURE_HEADER: "garbage"}],
    ids=["unsigned", "wrong", "malformed"],
)
def test_a_report_with_a_bad_signature_is_rejected_before_it_is_read(parcel, headers):
    body = report(parcel.tracking_number, event("delivered", later(5), "e1"))

    with pytest.raises(WebhookRejected) as rejected:
        services.receive_tracking_webhook("offline", body, headers)

    assert rejected.value.status_code == 401
    parcel.refresh_from_db()
    assert parcel.state == Shipment.State.SHIPPED and parcel.events.count() == 1


def test_a_report_signed_for_another_body_is_rejected(parcel):
    body = report(parcel.tracking_number, event("delivered", later(5), "e1"))
    other = report(parcel.tracking_number, event("in_transit", later(5), "e1"))
    with pytest.raises(WebhookRejected):
        services.receive_tracking_webhook("offline", body, signed(other))


def test_a_real_carrier_without_a_configured_secret_accepts_no_report(parcel):
    body = report(parcel.tracking_number, event("delivered", later(5), "e1"))
    with pytest.raises(WebhookRejected):
        services.receive_tracking_webhook("sf_express", body, {SIGNATURE_HEADER: "sha256=00"})


def test_a_real_carrier_signs_with_its_secret_from_the_environment(
    monkeypatch, shop, make_order, carriers
):
    monkeypatch.setenv("LOGISTICS_WEBHOOK_SECRET_SF_EXPRESS", "sf-secret-for-tests")
    sf_parcel = ship_order(
        make_order(),
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["sf-express"].pk,
        tracking_number="SF9000000001",
    )
    body = report("SF9000000001", event("picked_up", later(5), "sf-1"))

    result = services.receive_tracking_webhook("sf_express", body, signed(body, "sf_express"))

    assert result.recorded == 1 and result.shipment.pk == sf_parcel.pk
    with pytest.raises(WebhookRejected):  # the simulated carrier's secret is not SF's
        services.receive_tracking_webhook("sf_express", body, signed(body, "offline"))


def test_a_report_on_an_unknown_parcel_is_a_not_found(parcel):
    body = report("NOSUCH12345", event("delivered", later(5), "e1"))
    with pytest.raises(ParcelNotFound) as missing:
        services.receive_tracking_webhook("offline", body, signed(body))
    assert missing.value.status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        json.dumps({"events": [{"status": "delivered", "time": "2026-01-01T00:00:00Z"}]}).encode(),
        json.dumps({"tracking_number": "SIM7000001", "events": []}).encode(),
        json.dumps(
            {"tracking_number": "SIM7000001", "events": [{"status": "teleported", "time": "x"}]}
        ).encode(),
        json.dumps(
            {"tracking_number": "SIM7000001", "events": [{"status": "delivered", "time": "soon"}]}
        ).encode(),
        json.dumps({"tracking_number": "SIM7000001", "events": ["delivered"]}).encode(),
        json.dumps(
            {
                "tracking_number": "SIM7000001",
                "events": [{"status": "delivered", "time": "2026-13-45T25:00:00+08:00"}],
            }
        ).encode(),
        b"\xff\xfe not utf-8",
    ],
    ids=[
        "not-json",
        "not-object",
        "no-number",
        "no-events",
        "bad-status",
        "bad-time",
        "bad-event",
        "impossible-time",
        "not-utf8",
    ],
)
def test_a_malformed_report_is_refused_and_changes_nothing(parcel, body):
    with pytest.raises(LogisticsError) as refused:
        services.receive_tracking_webhook("offline", body, signed(body))
    assert refused.value.status_code == 400
    parcel.refresh_from_db()
    assert parcel.events.count() == 1


# --- The webhook endpoint -------------------------------------------------------------------------
def test_the_endpoint_applies_a_signed_report(client, parcel):
    body = report(parcel.tracking_number, event("in_transit", later(5), "e1"))

    response = post(client, body, signed(body))

    assert response.status_code == 200, response.content
    assert response.json() == {
        "tracking_number": "SIM7000001",
        "state": "in_transit",
        "recorded": 1,
        "duplicates": 0,
    }
    assert post(client, body, signed(body)).json()["duplicates"] == 1


def test_the_endpoint_answers_bad_signatures_unknown_parcels_and_bad_bodies_in_the_error_shape(
    client, parcel
):
    body = report(parcel.tracking_number, event("delivered", later(5), "e1"))
    unsigned = post(client, body, {})
    forged = post(client, body, {SIGNATURE_HEADER: "sha256=" + "0" * 64})
    unknown_body = report("UNKNOWN1234", event("delivered", later(5), "e1"))
    unknown = post(client, unknown_body, signed(unknown_body))
    broken = post(client, b"{", signed(b"{"))

    assert unsigned.status_code == 401 and unsigned.json()["error"]["code"] == "bad_signature"
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "bad_signature"
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_parcel"
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "bad_event"
    parcel.refresh_from_db()
    assert parcel.state == Shipment.State.SHIPPED


def test_every_adapter_has_a_webhook_address(client):
    for adapter in ("offline", "sf-express", "zto", "yto", "ems", "jd-logistics"):
        response = client.post(
            f"/api/v1/logistics/webhooks/{adapter}/", data=b"{}", content_type="application/json"
        )
        assert response.status_code == 401, adapter


# --- Delivery and the order -----------------------------------------------------------------------
def test_delivery_publishes_the_event_and_the_order_is_delivered(parcel, order, on_commit):
    received = []
    events.parcel_delivered.subscribe(received_handler := lambda **p: received.append(p))
    try:
        body = report(parcel.tracking_number, event("delivered", later(30), "d1"))
        with on_commit():
            services.receive_tracking_webhook("offline", body, signed(body))
    finally:
        events.parcel_delivered.unsubscribe(received_handler)

    order.refresh_from_db()
    parcel.refresh_from_db()
    assert parcel.state == Shipment.State.DELIVERED and parcel.delivered_at is not None
    assert parcel.next_poll_at is None
    assert order.state == Order.State.DELIVERED
    assert order.complete_after is not None  # the return window started
    assert received and received[0]["order_number"] == order.number
    assert received[0]["all_parcels_delivered"] is True


def test_a_delivery_report_is_final_whatever_arrives_after_it(parcel, on_commit):
    delivered = report(parcel.tracking_number, event("delivered", later(30), "d1"))
    late_scan = report(parcel.tracking_number, event("in_transit", later(90), "t9"))
    with on_commit():
        services.receive_tracking_webhook("offline", delivered, signed(delivered))
        services.receive_tracking_webhook("offline", late_scan, signed(late_scan))
    parcel.refresh_from_db()
    assert parcel.state == Shipment.State.DELIVERED


def test_an_order_in_two_parcels_is_delivered_when_both_are(shop, order, carriers, on_commit):
    cup, teapot = order.lines.order_by("pk")
    first = ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIMPART001",
        quantities={cup.pk: 2},
    )
    body = report(first.tracking_number, event("delivered", later(30), "d1"))
    with on_commit():
        services.receive_tracking_webhook("offline", body, signed(body))
    order.refresh_from_db()
    assert order.state == Order.State.PARTLY_SHIPPED  # the teapot has not shipped yet

    second = ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIMPART002",
        quantities={teapot.pk: 1},
    )
    order.refresh_from_db()
    assert order.state == Order.State.SHIPPED
    body = report(second.tracking_number, event("delivered", later(40), "d2"))
    with on_commit():
        services.receive_tracking_webhook("offline", body, signed(body))

    order.refresh_from_db()
    assert order.state == Order.State.DELIVERED


def test_a_delivery_after_the_buyer_confirmed_receipt_changes_nothing(
    parcel, order, buyer, on_commit
):
    from orders.services import confirm_receipt

    with on_commit():
        confirm_receipt(order, buyer=buyer)
    body = report(parcel.tracking_number, event("delivered", later(30), "d1"))
    with on_commit():
        services.receive_tracking_webhook("offline", body, signed(body))

    order.refresh_from_db()
    parcel.refresh_from_db()
    assert order.state == Order.State.DELIVERED and parcel.state == Shipment.State.DELIVERED


def test_an_exception_alerts_the_seller_and_tells_the_buyer(parcel, shop, buyer, on_commit):
    body = report(
        parcel.tracking_number, event("exception", later(30), "x1", description="Address not found")
    )
    with on_commit():
        services.receive_tracking_webhook("offline", body, signed(body))

    parcel.refresh_from_db()
    assert parcel.state == Shipment.State.EXCEPTION and parcel.had_exception
    assert Notification.objects.filter(user=shop.owner, title__contains="exception").exists()
    assert Notification.objects.filter(user=buyer, link=f"/parcels/{parcel.pk}/").exists()
    assert any(shop.owner.email in message.to for message in mail.outbox)

    recovered = report(parcel.tracking_number, event("out_for_delivery", later(60), "x2"))
    services.receive_tracking_webhook("offline", recovered, signed(recovered))
    parcel.refresh_from_db()
    assert parcel.state == Shipment.State.OUT_FOR_DELIVERY and parcel.had_exception


# --- The simulated carrier on its schedule --------------------------------------------------------
def run_beat(times, *, start=None, step_minutes=10):
    now = start or timezone.now()
    for _ in range(times):
        now += timedelta(minutes=step_minutes)
        services.poll_due_shipments(now=now)
    return now


def test_the_simulated_carrier_moves_a_parcel_to_delivered_one_step_per_interval(
    parcel, order, on_commit
):
    now = timezone.now()
    assert services.poll_due_shipments(now=now) == 0  # not due yet

    steps = []
    with on_commit():
        for _ in range(6):
            now += timedelta(minutes=10)
            services.poll_due_shipments(now=now)
            parcel.refresh_from_db()
            steps.append(parcel.state)

    assert steps == [
        "picked_up",
        "in_transit",
        "in_transit",
        "out_for_delivery",
        "delivered",
        "delivered",
    ]
    assert list(parcel.events.order_by("occurred_at", "id").values_list("status", flat=True)) == [
        "shipped",
        "picked_up",
        "in_transit",
        "in_transit",
        "out_for_delivery",
        "delivered",
    ]
    assert parcel.events.filter(region="330000").count() == 3  # arrived, out, delivered
    order.refresh_from_db()
    assert order.state == Order.State.DELIVERED


def test_a_doubled_beat_run_moves_the_parcel_once(parcel):
    now = timezone.now() + timedelta(minutes=10)
    assert services.poll_due_shipments(now=now) == 1
    assert services.poll_due_shipments(now=now) == 0
    parcel.refresh_from_db()
    assert parcel.events.count() == 2


def test_the_beat_task_polls_through_celery(parcel, settings):
    settings.LOGISTICS_SIMULATION_STEP_MINUTES = 0
    Shipment.objects.filter(pk=parcel.pk).update(next_poll_at=timezone.now())

    assert poll_tracking.delay().get() == 1


def test_a_simulated_exception_route_recovers_and_delivers(shop, make_order, carriers, on_commit):
    parcel = ship_order(
        make_order(),
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIMEXC0001",
    )
    with on_commit():
        run_beat(7)
    parcel.refresh_from_db()
    assert parcel.state == Shipment.State.DELIVERED and parcel.had_exception


def test_a_stalled_simulated_parcel_stops_moving(shop, make_order, carriers):
    parcel = ship_order(
        make_order(),
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIMSTALL01",
    )
    run_beat(6)
    parcel.refresh_from_db()
    assert parcel.state == Shipment.State.IN_TRANSIT and parcel.next_poll_at is None


def test_receipt_is_confirmed_automatically_after_the_configured_days(parcel, order, settings):
    """The carrier never reported delivery: the orders chapter's beat job confirms receipt
    ORDERS_AUTO_CONFIRM_DAYS after shipping (a setting)."""
    from orders.tasks import confirm_overdue_receipts

    settings.ORDERS_AUTO_CONFIRM_DAYS = 3
    Order.objects.filter(pk=order.pk).update(shipped_at=timezone.now() - timedelta(days=2))
    assert confirm_overdue_receipts.delay().get() == 0

    Order.objects.filter(pk=order.pk).update(shipped_at=timezone.now() - timedelta(days=4))
    assert confirm_overdue_receipts.delay().get() == 1

    order.refresh_from_db()
    assert order.state == Order.State.DELIVERED
