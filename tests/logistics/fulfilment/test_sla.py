"""Delivery SLA monitoring (issue 7, item 5): late shipments and parcels that stopped moving alert
the seller (seller center + e-mail) and tell the buyer, once; the late-shipment rate per shop and
the carrier scorecard are aggregated in SQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from logistics import selectors, services
from logistics.models import Shipment, SlaAlert
from marketplace.core.models import Notification
from orders.fulfilment import selectors as fulfilment_selectors
from orders.fulfilment import services as fulfilment
from orders.fulfilment.services import ship_order
from orders.fulfilment.tasks import check_delivery_slas
from orders.models import Order
from shops.roles import Role
from tests.factories.shops import MembershipFactory
from tests.logistics.fulfilment.builders import event, paid_order, report, signed

pytestmark = pytest.mark.django_db


def paid_hours_ago(order, hours):
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(hours=hours))
    order.refresh_from_db()
    return order


def test_an_order_not_shipped_within_48_hours_alerts_the_shop_and_tells_the_buyer(
    shop, order, buyer, on_commit
):
    paid_hours_ago(order, 49)
    product_editor = MembershipFactory(shop=shop, role=Role.PRODUCT_EDITOR).user
    packer = MembershipFactory(shop=shop, role=Role.FULFILMENT).user

    with on_commit():
        alerted = fulfilment.alert_late_shipments()

    assert alerted == 1
    alert = SlaAlert.objects.get()
    assert (alert.kind, alert.order_number, alert.shop) == ("late_shipment", order.number, shop)
    for seller in (shop.owner, packer):
        note = Notification.objects.get(user=seller, title__contains="late")
        assert order.number in note.title and note.link.endswith(
            f"/shipping/orders/{order.number}/"
        )
        assert note.shop_id == shop.pk
    assert not Notification.objects.filter(user=product_editor).exists()
    to_buyer = Notification.objects.get(user=buyer)
    assert order.number in to_buyer.title and to_buyer.link == order.get_absolute_url()
    recipients = {address for message in mail.outbox for address in message.to}
    assert {shop.owner.email, packer.email, buyer.email} <= recipients


def test_the_late_shipment_alert_is_raised_once(shop, order, on_commit):
    paid_hours_ago(order, 60)
    with on_commit():
        assert fulfilment.alert_late_shipments() == 1
        assert fulfilment.alert_late_shipments() == 0
    assert SlaAlert.objects.count() == 1
    assert Notification.objects.filter(user=shop.owner, title__contains="late").count() == 1


def test_orders_within_the_promise_shipped_or_cancelled_raise_no_alert(
    shop, make_order, carriers, settings
):
    fresh = paid_hours_ago(make_order(), 47)
    shipped = paid_hours_ago(make_order(), 72)
    ship_order(
        shipped,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIMSLA0001",
    )
    cancelled = paid_hours_ago(make_order(), 72)
    from orders.services import cancel_order

    cancel_order(cancelled, by="seller", actor=shop.owner, reason="No stock", shop=shop)

    assert fulfilment.alert_late_shipments() == 0
    assert not SlaAlert.objects.exists()
    assert fresh.state == Order.State.PAID

    settings.LOGISTICS_SHIP_WITHIN_HOURS = 24  # the promise is configurable
    assert fulfilment.alert_late_shipments() == 1


def test_a_parcel_without_a_tracking_update_for_too_long_alerts_once_per_stall(
    shop, order, buyer, carriers, on_commit
):
    parcel = ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["sf-express"].pk,
        tracking_number="SF7777777777",
    )
    stale = timezone.now() - timedelta(hours=73)
    Shipment.objects.filter(pk=parcel.pk).update(last_event_at=stale)

    with on_commit():
        assert services.alert_stalled_parcels() == 1
        assert services.alert_stalled_parcels() == 0

    alert = SlaAlert.objects.get(kind="stalled_tracking")
    assert alert.shipment == parcel and alert.since == stale
    assert Notification.objects.filter(user=shop.owner, title__contains="SF7777777777").exists()
    assert Notification.objects.get(user=buyer).link == f"/parcels/{parcel.pk}/"

    # It moves again, then stalls again: a new alert.
    body = report(
        "SF7777777777", event("in_transit", (stale + timedelta(hours=1)).isoformat(), "t1")
    )
    import os

    os.environ["LOGISTICS_WEBHOOK_SECRET_SF_EXPRESS"] = "sf-secret"
    try:
        services.receive_tracking_webhook("sf_express", body, signed(body, "sf_express"))
    finally:
        del os.environ["LOGISTICS_WEBHOOK_SECRET_SF_EXPRESS"]
    assert services.alert_stalled_parcels() == 1
    assert SlaAlert.objects.filter(kind="stalled_tracking").count() == 2


def test_delivered_parcels_never_stall(shop, order, carriers, on_commit):
    parcel = ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIMSLA0002",
    )
    body = report(parcel.tracking_number, event("delivered", timezone.now().isoformat(), "d"))
    with on_commit():
        services.receive_tracking_webhook("offline", body, signed(body))
    Shipment.objects.filter(pk=parcel.pk).update(last_event_at=timezone.now() - timedelta(days=9))

    assert services.alert_stalled_parcels() == 0


def test_the_beat_task_runs_both_checks(order):
    paid_hours_ago(order, 50)
    assert check_delivery_slas.delay().get() == {"late_shipments": 1, "stalled_parcels": 0}


# --- Late-shipment rate and carrier scorecard -----------------------------------------------------
def test_the_late_shipment_rate_counts_late_and_overdue_orders_per_shop(
    shop, other_shop, buyer, make_order, carriers, other_shop_carriers
):
    on_time = paid_hours_ago(make_order(), 10)
    ship_order(
        on_time,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIMRATE001",
    )
    late = paid_hours_ago(make_order(), 60)
    ship_order(
        late,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIMRATE002",
    )
    paid_hours_ago(make_order(), 50)  # not shipped, past the promise: late
    paid_hours_ago(make_order(), 5)  # not shipped, still within: fine
    paid_order(other_shop, buyer, ("Bowl", "35.50", 1))

    rates = fulfilment_selectors.late_shipment_rates(since=timezone.now() - timedelta(days=30))

    assert (rates[shop.pk].orders, rates[shop.pk].late) == (4, 2)
    assert rates[shop.pk].rate == Decimal("50.0")
    assert (rates[other_shop.pk].orders, rates[other_shop.pk].late) == (1, 0)
    only_a = fulfilment_selectors.late_shipment_rates(
        since=timezone.now() - timedelta(days=30), shop_id=shop.pk
    )
    assert set(only_a) == {shop.pk}


def test_the_carrier_scorecard_is_aggregated_per_carrier(
    shop,
    other_shop,
    buyer,
    make_order,
    carriers,
    other_shop_carriers,
    on_commit,
    django_assert_num_queries,
):
    now = timezone.now()

    def shipped(carrier, number, *, cost=None, days=None, exception=False, for_shop=None):
        owner = for_shop or shop
        order = make_order(for_shop=for_shop) if for_shop else make_order()
        parcel = ship_order(
            order,
            shop=owner,
            actor=owner.owner,
            carrier_id=carriers[carrier].pk,
            tracking_number=number,
            cost=cost,
        )
        updates = []
        if exception:
            updates.append(event("exception", (now + timedelta(hours=1)).isoformat(), "x"))
        if days is not None:
            updates.append(event("delivered", (now + timedelta(days=days)).isoformat(), "d"))
        if updates:
            body = report(number, *updates)
            services.receive_tracking_webhook("offline", body, signed(body))
        return parcel

    with on_commit():
        shipped("offline", "SIMCARD001", cost=Decimal("8.00"), days=2)  # on time (3 days)
        shipped("offline", "SIMCARD002", cost=Decimal("12.00"), days=5, exception=True)  # late
        shipped("offline", "SIMCARD003")  # still on the way
        shipped("offline", "SIMCARD004", days=1, for_shop=other_shop)  # another shop's

    with django_assert_num_queries(1):
        scores = selectors.carrier_scorecard(shop=shop, since=now - timedelta(days=1))

    (offline,) = scores
    assert (offline.code, offline.shipments, offline.delivered, offline.on_time) == (
        "offline",
        3,
        2,
        1,
    )
    assert offline.on_time_rate == Decimal("50.0")
    assert offline.exception_rate == Decimal("33.3")
    assert offline.average_transit_days == Decimal("3.5")
    assert offline.average_cost == Decimal("10.00")
    platform = selectors.carrier_scorecard(since=now - timedelta(days=1))
    assert platform[0].shipments == 4 and platform[0].on_time == 2
