"""Lost webhooks with the offline (test-mode) provider (issue 11, item 2): the buyer paid on the
test page, the signed event's delivery was lost (the Celery task never ran), and the unpaid
timeout came. The provider keeps its own record of the payment; the timeout and the repair job ask
it and apply its answer through the webhook's own path, so the late delivery changes nothing.
(Stripe's side: tests/orders/finance/test_lost_webhooks.py.)"""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import StockMovement
from orders import services, tasks
from orders.models import LedgerEntry, OfflineIntent, Order, Payment, PaymentEvent, Refund
from orders.payments import get_provider
from tests.factories.orders import place

pytestmark = pytest.mark.django_db


def overdue(payment, *, minutes: int = 1):
    past = timezone.now() - timedelta(minutes=minutes)
    Order.objects.filter(checkout_id=payment.checkout_id).update(payment_due_at=past)
    Payment.objects.filter(pk=payment.pk).update(created_at=past - timedelta(minutes=30))


def everything(payment) -> dict:
    return {
        "orders": sorted(
            Order.objects.filter(checkout_id=payment.checkout_id).values_list("state", flat=True)
        ),
        "payment": Payment.objects.get(pk=payment.pk).state,
        "sales": LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SALE).count(),
        "ledger": LedgerEntry.objects.count(),
        "refunds": Refund.objects.count(),
        "movements": StockMovement.objects.count(),
    }


@pytest.fixture
def lost_delivery():
    """The signed events the test page queues are never delivered (a lost Celery task)."""
    with mock.patch.object(tasks.deliver_payment_event, "delay") as delay:
        yield delay


def test_the_buyer_paid_the_delivery_was_lost_and_the_timeout_pays_instead_of_cancelling(
    buyer, buyer_client, cup, bowl, lost_delivery, on_commit
):
    payment = place(buyer, (cup, 2), (bowl, 1)).payment
    with on_commit():
        response = buyer_client.post(
            reverse("payment-offline", args=[payment.provider_ref]), {"outcome": "succeeded"}
        )
    assert response.status_code == 302 and lost_delivery.call_count == 1
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.PENDING  # not delivered
    overdue(payment)

    with on_commit():
        cancelled = tasks.cancel_unpaid_orders.delay().get()

    assert cancelled == 0
    assert everything(payment) == {
        "orders": [Order.State.PAID, Order.State.PAID],
        "payment": Payment.State.SUCCEEDED,
        "sales": 2,  # the ledger posted once per order
        "ledger": LedgerEntry.objects.count(),
        "refunds": 0,
        "movements": StockMovement.objects.count(),
    }
    cup.refresh_from_db()
    assert (cup.stock, cup.reserved, cup.sold_count) == (8, 0, 2)
    before = everything(payment)

    # The lost delivery turns up after all: recorded, nothing changes twice.
    provider_name, body, headers = lost_delivery.call_args.args
    with on_commit():
        record = services.receive_payment_event(provider_name, body.encode(), headers)

    assert record.outcome == PaymentEvent.Outcome.IGNORED
    assert everything(payment) == before


def test_the_repair_job_pays_what_the_offline_provider_recorded(buyer, cup, on_commit):
    payment = place(buyer, (cup, 1)).payment
    provider = get_provider("offline")
    provider.confirm(provider_ref=payment.provider_ref, outcome="succeeded")  # delivery lost
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=6))

    with on_commit():
        summary = tasks.repair_pending_payments.delay().get()
        again = tasks.repair_pending_payments.delay().get()

    assert summary["asked"] == 1 and summary["applied"] == 1
    assert again["asked"] == 0
    assert Order.objects.get().state == Order.State.PAID
    record = PaymentEvent.objects.get()
    assert record.event_id == f"sync_{payment.provider_ref}_succeeded"
    assert record.outcome == PaymentEvent.Outcome.APPLIED


def test_a_payment_nobody_paid_is_still_cancelled_by_the_timeout(buyer, cup, on_commit):
    payment = place(buyer, (cup, 1)).payment
    overdue(payment)

    with on_commit():
        assert services.cancel_unpaid_orders() == 1

    assert Order.objects.get().state == Order.State.CANCELLED
    assert not PaymentEvent.objects.exists()  # asked, nothing final: nothing recorded
    # Cancelled at the provider too: the test page can no longer take the payment.
    assert OfflineIntent.objects.get().status == OfflineIntent.Status.CANCELED


def test_a_decline_the_provider_recorded_is_applied_as_a_failure(buyer, cup, on_commit):
    payment = place(buyer, (cup, 1)).payment
    get_provider("offline").confirm(
        provider_ref=payment.provider_ref, outcome="failed", failure_reason="Declined (test)."
    )

    check = services.check_payment(Payment.objects.get(pk=payment.pk))

    assert check.outcome == PaymentEvent.Outcome.APPLIED
    payment.refresh_from_db()
    assert payment.state == Payment.State.FAILED and payment.failure_reason == "Declined (test)."
    assert Order.objects.get().state == Order.State.PENDING_PAYMENT  # the buyer may pay again
