"""Payments through the offline provider's signed, webhook-style events: the same handler the
Stripe webhook uses. Each event is applied once; anything that does not match is recorded and
changes nothing."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import StockMovement
from marketplace.core.models import StateEvent
from orders import events, services
from orders.errors import OrdersError, PaymentEventError
from orders.models import Order, OrderLine, Payment, PaymentEvent, Refund
from orders.payments import get_provider
from tests.factories.orders import buyer_with_address, pay, place, signed_event

pytestmark = pytest.mark.django_db


def test_a_succeeded_event_pays_every_order_of_the_checkout(buyer, cup, bowl, on_commit):
    placement = place(buyer, (cup, 2), (bowl, 1))

    with on_commit():
        record = pay(placement.payment)

    assert record.outcome == PaymentEvent.Outcome.APPLIED
    payment = Payment.objects.get(pk=placement.payment.pk)
    assert payment.state == Payment.State.SUCCEEDED and payment.succeeded_at
    for order in Order.objects.filter(checkout=placement.checkout):
        assert order.state == Order.State.PAID
        assert order.paid_at and order.respond_by - order.paid_at == timezone.timedelta(minutes=30)
    cup.refresh_from_db()
    assert (cup.stock, cup.reserved, cup.sold_count) == (8, 0, 2)


def test_payment_freezes_what_the_ledger_needs(buyer, shop, on_commit):
    from tests.factories.orders import live_sku, order_category

    shop.commission_rate = Decimal("2.50")
    shop.save(update_fields=["commission_rate"])
    sku = live_sku(shop, category=order_category(commission_rate="8.00"))
    placement = place(buyer, (sku, 1))
    pay(placement.payment)

    order = Order.objects.get(pk=placement.orders[0].pk)
    assert (order.shop_type, order.shop_commission_rate) == (shop.shop_type, Decimal("2.50"))
    assert OrderLine.objects.get(order=order).commission_rate == Decimal("8.00")


def test_order_paid_is_published_after_commit(buyer, cup, on_commit):
    seen = []

    def handler(**payload):
        seen.append(payload)

    events.order_paid.subscribe(handler)
    try:
        placement = place(buyer, (cup, 1))
        with on_commit():
            pay(placement.payment)
    finally:
        events.order_paid.unsubscribe(handler)

    assert len(seen) == 1
    assert seen[0]["order_number"] == placement.orders[0].number
    assert seen[0]["payment_id"] == placement.payment.pk


def test_the_seller_is_notified_of_a_paid_order(buyer, cup, shop):
    placement = place(buyer, (cup, 1))
    pay(placement.payment)

    assert shop.owner.notifications.filter(title__contains=placement.orders[0].number).exists()


def test_a_replayed_event_changes_nothing_twice(buyer, cup):
    placement = place(buyer, (cup, 1))
    body, headers = signed_event(placement.payment)

    first = services.receive_payment_event("offline", body, headers)
    events_before = StateEvent.objects.count()
    movements_before = StockMovement.objects.count()
    second = services.receive_payment_event("offline", body, headers)

    assert first.pk == second.pk
    assert PaymentEvent.objects.count() == 1
    assert StateEvent.objects.count() == events_before
    assert StockMovement.objects.count() == movements_before


def test_a_second_success_event_with_another_id_is_ignored(buyer, cup):
    placement = place(buyer, (cup, 1))
    pay(placement.payment)
    movements_before = StockMovement.objects.count()

    record = pay(placement.payment)

    assert record.outcome == PaymentEvent.Outcome.IGNORED
    assert StockMovement.objects.count() == movements_before


def test_a_failure_after_a_success_does_not_undo_it(buyer, cup):
    placement = place(buyer, (cup, 1))
    pay(placement.payment)

    record = pay(placement.payment, outcome="failed")

    assert record.outcome == PaymentEvent.Outcome.IGNORED
    assert Payment.objects.get(pk=placement.payment.pk).state == Payment.State.SUCCEEDED
    assert Order.objects.get(pk=placement.orders[0].pk).state == Order.State.PAID


def test_a_declined_payment_leaves_the_orders_waiting(buyer, cup):
    placement = place(buyer, (cup, 1))

    record = pay(placement.payment, outcome="failed")

    assert record.outcome == PaymentEvent.Outcome.APPLIED
    payment = Payment.objects.get(pk=placement.payment.pk)
    assert payment.state == Payment.State.FAILED and payment.failure_reason
    assert Order.objects.get(pk=placement.orders[0].pk).state == Order.State.PENDING_PAYMENT


def test_a_bad_signature_is_refused_and_nothing_is_recorded(buyer, cup):
    placement = place(buyer, (cup, 1))
    body, headers = signed_event(placement.payment)
    forged = body.replace(b'"amount":', b'"amount":1').replace(b"1" * 2, b"1")

    with pytest.raises(PaymentEventError):
        services.receive_payment_event("offline", forged, headers)
    with pytest.raises(PaymentEventError):
        services.receive_payment_event("offline", body, {})
    with pytest.raises(PaymentEventError):
        services.receive_payment_event("offline", body, {"Offline-Signature": "t=1,v1=abc"})

    assert not PaymentEvent.objects.exists()
    assert Order.objects.get(pk=placement.orders[0].pk).state == Order.State.PENDING_PAYMENT


def test_an_old_signature_is_refused(buyer, cup):
    placement = place(buyer, (cup, 1))
    provider = get_provider("offline")
    body, _headers = signed_event(placement.payment)
    stale = provider.sign(body, timestamp=int(timezone.now().timestamp()) - 3600)

    with pytest.raises(PaymentEventError):
        services.receive_payment_event("offline", body, stale)


def test_an_unknown_payment_is_recorded_and_changes_nothing(buyer, cup):
    placement = place(buyer, (cup, 1))
    body, headers = signed_event(placement.payment, provider_ref="off_pi_unknown")

    record = services.receive_payment_event("offline", body, headers)

    assert record.outcome == PaymentEvent.Outcome.UNKNOWN_PAYMENT
    assert Order.objects.get(pk=placement.orders[0].pk).state == Order.State.PENDING_PAYMENT


@pytest.mark.parametrize(
    "overrides",
    [{"amount": Decimal("1.00")}, {"currency": "USD"}, {"checkout_token": "not-ours"}],
    ids=["amount", "currency", "checkout"],
)
def test_an_authentic_event_that_does_not_match_ours_changes_nothing(buyer, cup, overrides):
    placement = place(buyer, (cup, 1))
    body, headers = signed_event(placement.payment, **overrides)

    record = services.receive_payment_event("offline", body, headers)

    assert record.outcome == PaymentEvent.Outcome.MISMATCH
    order = Order.objects.get(pk=placement.orders[0].pk)
    assert order.state == Order.State.PENDING_PAYMENT
    assert order.exception == Order.Problem.PAYMENT_PROBLEM
    assert Payment.objects.get(pk=placement.payment.pk).state == Payment.State.PENDING


def test_a_payment_for_an_order_cancelled_meanwhile_is_refunded(buyer, cup, on_commit):
    placement = place(buyer, (cup, 1))
    order = placement.orders[0]
    body, headers = signed_event(placement.payment)  # the buyer paid ...
    services.cancel_order(order, by="buyer", actor=buyer)  # ... while cancelling in another tab

    with on_commit():
        record = services.receive_payment_event("offline", body, headers)

    assert record.outcome == PaymentEvent.Outcome.APPLIED
    refund = Refund.objects.get(order=order)
    assert refund.reason == Refund.Reason.LATE_PAYMENT
    assert refund.state == Refund.State.SUCCEEDED and refund.provider_ref.startswith("off_re_")
    assert refund.amount == order.total
    assert Order.objects.get(pk=order.pk).state == Order.State.CANCELLED


def test_pay_again_replaces_a_failed_payment(buyer, cup):
    placement = place(buyer, (cup, 1))
    pay(placement.payment, outcome="failed")

    payment = services.pay_again(order=placement.orders[0], buyer=buyer)

    assert payment.pk != placement.payment.pk and payment.state == Payment.State.PENDING
    assert Payment.objects.get(pk=placement.payment.pk).state == Payment.State.CANCELLED
    pay(payment)
    assert Order.objects.get(pk=placement.orders[0].pk).state == Order.State.PAID


def test_pay_again_twice_reuses_the_open_payment(buyer, cup):
    placement = place(buyer, (cup, 1))
    first = services.pay_again(order=placement.orders[0], buyer=buyer)
    second = services.pay_again(order=placement.orders[0], buyer=buyer)
    assert first.pk == second.pk == placement.payment.pk


def test_paying_a_cancelled_order_is_refused(buyer, cup):
    placement = place(buyer, (cup, 1))
    order = placement.orders[0]
    services.cancel_order(order, by="buyer", actor=buyer)

    with pytest.raises(OrdersError) as error:
        services.pay_again(order=order, buyer=buyer)

    assert error.value.code == "not_payable"
    assert Payment.objects.filter(checkout=placement.checkout).count() == 1


def test_paying_someone_elses_order_is_refused(buyer, cup):
    placement = place(buyer, (cup, 1))
    with pytest.raises(OrdersError):
        services.pay_again(order=placement.orders[0], buyer=buyer_with_address())


def test_a_paid_order_of_a_twice_paid_checkout_is_refunded_once(buyer, cup, on_commit):
    placement = place(buyer, (cup, 1))
    pay(placement.payment, outcome="failed")
    second = services.pay_again(order=placement.orders[0], buyer=buyer)
    # The first intent is charged after all (the provider retried it), then the second.
    body, headers = signed_event(Payment.objects.get(pk=placement.payment.pk))
    services.receive_payment_event("offline", body, headers)
    with on_commit():
        pay(second)
        pay(second)

    order = Order.objects.get(pk=placement.orders[0].pk)
    assert order.state == Order.State.PAID
    refunds = Refund.objects.filter(order=order)
    assert [(r.reason, r.payment_id) for r in refunds] == [("duplicate_payment", second.pk)]


def test_the_event_body_must_be_json():
    provider = get_provider("offline")
    body = b"not json"
    with pytest.raises(PaymentEventError):
        provider.parse_event(body, provider.sign(body))
    body = json.dumps({"id": "evt_1"}).encode()
    with pytest.raises(PaymentEventError):
        provider.parse_event(body, provider.sign(body))


def test_back_to_a_decided_test_payment_page_goes_to_the_orders(buyer, buyer_client, cup):
    """The browser's Back button after paying: the orders, not a payment page saying
    "This payment is Succeeded." under the "Review and pay" step."""
    placement = place(buyer, (cup, 1))
    url = reverse("payment-offline", args=[placement.payment.provider_ref])
    assert buyer_client.get(url).status_code == 200  # still open: the test-mode page

    pay(placement.payment)
    response = buyer_client.get(url)

    assert response.status_code == 302
    assert response.url == reverse("checkout-done", args=[placement.checkout.token])
