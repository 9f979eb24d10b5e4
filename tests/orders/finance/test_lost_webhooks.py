"""A payment Stripe took whose webhook never arrived (issue 11, item 2): the unpaid timeout asks
Stripe before it cancels, and a beat job asks about payments pending for a few minutes; what
Stripe says is applied through the same `handle_payment_event` as the webhook, so the late
webhook changes nothing twice. With Stripe unreachable nothing is cancelled, for a bounded time.
"""

from __future__ import annotations

import logging
import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import StockMovement
from orders import services, tasks
from orders.errors import OrdersConflict
from orders.models import LedgerEntry, Order, Payment, PaymentEvent, Refund, ShopTransfer
from orders.payments import stripe as stripe_provider
from tests.factories.orders import place
from tests.orders.finance.test_stripe import connect

pytestmark = pytest.mark.django_db


def overdue(payment, *, minutes: int = 1):
    """The payment window of the payment's orders ended `minutes` ago (and the payment is old)."""
    past = timezone.now() - timedelta(minutes=minutes)
    Order.objects.filter(checkout_id=payment.checkout_id).update(payment_due_at=past)
    Payment.objects.filter(pk=payment.pk).update(created_at=past - timedelta(minutes=30))


def settled(*, checkout_id) -> dict:
    """What a repeated application would change twice."""
    return {
        "states": sorted(
            Order.objects.filter(checkout_id=checkout_id).values_list("state", flat=True)
        ),
        "sales": LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SALE).count(),
        "ledger": LedgerEntry.objects.count(),
        "transfers": ShopTransfer.objects.count(),
        "refunds": Refund.objects.count(),
        "movements": StockMovement.objects.count(),
    }


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once closed


@pytest.fixture
def paid_at_stripe(stripe_standin, buyer, cup, bowl, shop, other_shop):
    """Two shops' orders, one PaymentIntent that the buyer paid at Stripe; the webhook is lost."""
    connect(shop, stripe_standin)
    connect(other_shop, stripe_standin)
    placement = place(buyer, (cup, 2), (bowl, 1))
    payment = Payment.objects.select_related("checkout").get(pk=placement.payment.pk)
    stripe_standin.succeed(payment.provider_ref)
    return payment


def test_the_timeout_pays_what_stripe_took_instead_of_cancelling_it(
    paid_at_stripe, stripe_standin, deliver, run_on_commit, cup, bowl
):
    payment = paid_at_stripe
    overdue(payment)

    with run_on_commit():
        cancelled = tasks.cancel_unpaid_orders.delay().get()

    assert cancelled == 0
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUCCEEDED
    orders = Order.objects.filter(checkout_id=payment.checkout_id)
    assert set(orders.values_list("state", flat=True)) == {Order.State.PAID}
    assert not Refund.objects.exists()
    # The ledger is posted once per order (sale, commission, ...) and each shop is sent its net.
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SALE).count() == 2
    assert len(stripe_standin.posts_to("/v1/transfers")) == 2
    cup.refresh_from_db()
    bowl.refresh_from_db()
    assert (cup.stock, cup.reserved, cup.sold_count) == (8, 0, 2)
    assert (bowl.stock, bowl.reserved, bowl.sold_count) == (4, 0, 1)
    before = settled(checkout_id=payment.checkout_id)

    # The lost webhook arrives after all: nothing happens twice.
    intent = stripe_standin.objects[payment.provider_ref]
    with run_on_commit():
        late = deliver(stripe_standin.event("payment_intent.succeeded", dict(intent)))

    assert late.status_code == 200
    assert late.json()["outcome"] == PaymentEvent.Outcome.IGNORED
    assert settled(checkout_id=payment.checkout_id) == before
    assert len(stripe_standin.posts_to("/v1/transfers")) == 2


def test_the_repair_job_pays_a_payment_pending_for_minutes(
    paid_at_stripe, stripe_standin, deliver, run_on_commit, buyer, cup
):
    payment = paid_at_stripe
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    fresh = Payment.objects.get(pk=place(buyer, (cup, 1)).payment.pk)  # paid a moment ago

    with run_on_commit():
        summary = tasks.repair_pending_payments.delay().get()

    assert summary["applied"] == 1
    assert set(
        Order.objects.filter(checkout_id=payment.checkout_id).values_list("state", flat=True)
    ) == {Order.State.PAID}
    asked = [r.path for r in stripe_standin.requests if r.method == "GET"]
    assert asked == [f"/v1/payment_intents/{payment.provider_ref}"]  # not the fresh one
    assert Payment.objects.get(pk=fresh.pk).state == Payment.State.PENDING
    before = settled(checkout_id=payment.checkout_id)

    with run_on_commit():
        again = tasks.repair_pending_payments.delay().get()
        late = deliver(
            stripe_standin.event(
                "payment_intent.succeeded", dict(stripe_standin.objects[payment.provider_ref])
            )
        )

    assert again["applied"] == 0  # nothing pending is old enough any more
    assert late.json()["outcome"] == PaymentEvent.Outcome.IGNORED
    assert settled(checkout_id=payment.checkout_id) == before


def test_a_payment_declined_at_stripe_is_recorded_failed_and_the_timeout_cancels(
    stripe_standin, run_on_commit, buyer, cup
):
    payment = Payment.objects.get(pk=place(buyer, (cup, 1)).payment.pk)
    stripe_standin.decline(payment.provider_ref)
    overdue(payment)

    with run_on_commit():
        cancelled = tasks.cancel_unpaid_orders.delay().get()

    assert cancelled == 1
    assert Order.objects.get().state == Order.State.CANCELLED
    assert Payment.objects.get().state == Payment.State.CANCELLED
    assert PaymentEvent.objects.get().outcome == PaymentEvent.Outcome.APPLIED  # the failure


def test_with_stripe_unreachable_nothing_is_cancelled_until_the_grace_runs_out(
    paid_at_stripe, settings, run_on_commit, caplog
):
    payment = paid_at_stripe
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{closed_port()}"
    overdue(payment, minutes=1)
    caplog.set_level(logging.WARNING)

    with run_on_commit():
        cancelled = tasks.cancel_unpaid_orders.delay().get()
        summary = tasks.repair_pending_payments.delay().get()

    assert cancelled == 0
    assert summary["unreachable"] == 1 and summary["applied"] == 0
    assert set(
        Order.objects.filter(checkout_id=payment.checkout_id).values_list("state", flat=True)
    ) == {Order.State.PENDING_PAYMENT}
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.PENDING
    assert "could not be asked" in caplog.text

    # Still unreachable past the grace (ORDERS_PAYMENT_REPAIR_GRACE_MINUTES): the timeout gives up
    # waiting and cancels; a success Stripe reports later is refunded as a late payment.
    overdue(payment, minutes=settings.ORDERS_PAYMENT_REPAIR_GRACE_MINUTES + 1)
    with run_on_commit():
        cancelled = tasks.cancel_unpaid_orders.delay().get()

    assert cancelled == 2
    assert set(
        Order.objects.filter(checkout_id=payment.checkout_id).values_list("state", flat=True)
    ) == {Order.State.CANCELLED}


def test_pay_again_asks_stripe_first_and_never_charges_a_paid_checkout_twice(
    paid_at_stripe, stripe_standin, run_on_commit, buyer
):
    payment = paid_at_stripe
    order = Order.objects.filter(checkout_id=payment.checkout_id).first()

    with run_on_commit(), pytest.raises(OrdersConflict):
        services.pay_again(order=order, buyer=buyer)

    assert set(
        Order.objects.filter(checkout_id=payment.checkout_id).values_list("state", flat=True)
    ) == {Order.State.PAID}
    assert len(stripe_standin.posts_to("/v1/payment_intents")) == 1  # no second charge
    assert Payment.objects.get().state == Payment.State.SUCCEEDED


def test_a_stripe_that_hangs_is_unreachable_within_the_timeout_not_the_sdks_80_seconds(
    paid_at_stripe, settings, monkeypatch
):
    payment = paid_at_stripe
    monkeypatch.setattr(stripe_provider, "RETRIEVE_TIMEOUT_SECONDS", 0.2)
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.STRIPE_API_BASE = f"http://127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()

        check = services.check_payment(Payment.objects.get(pk=payment.pk))

        elapsed = time.monotonic() - started
    assert check.outcome == "unreachable"
    assert elapsed < 10
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.PENDING
