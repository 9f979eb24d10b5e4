"""Money going back: a payment still open is cancelled, a paid share is refunded.

    cancel_open_payment(payment, reason=...)    # inside the caller's transaction; the provider
                                                # is told after commit
    refund_order(order, reason=...)             # a Refund row for what the order was paid;
                                                # Celery sends it after commit
    create_refund(payment, order, amount, reason)   # the same for a given share (late payments)
    process_refund(refund_id)                   # the provider call, then the result, idempotent
    close_refund(refund, succeeded=...)         # the provider's answer (also from its events)

These are the payment-side steps that both an order's life (`lifecycle.cancel_order`) and the
provider's events (`payments.handle_payment_event`) need. They change no order state, so this
module imports neither of them: lifecycle and payments both import it (see the package
docstring for the direction).
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from marketplace.core.states import transition
from orders import events
from orders.models import Order, Payment, PaymentAllocation, Refund
from orders.payments import get_provider
from orders.payments.base import RefundRequest

logger = logging.getLogger(__name__)


def cancel_open_payment(payment: Payment, *, reason: str = "") -> None:
    """Inside a transaction that locked `payment`: cancel it, and at the provider after commit."""
    transition(payment, to=Payment.State.CANCELLED, reason=reason)
    if payment.provider_ref:
        provider_name, reference = payment.provider, payment.provider_ref

        def cancel_there():
            try:
                get_provider(provider_name).cancel_payment(provider_ref=reference)
            except Exception:  # best effort: an uncancelled intent that gets paid is refunded
                logger.exception("could not cancel payment %s at %s", reference, provider_name)

        transaction.on_commit(cancel_there)


def create_refund(payment: Payment, order: Order, amount: Decimal, reason: str) -> Refund:
    """A pending refund of `amount` of `payment` for `order` (once per reason), sent by Celery
    after commit."""
    refund, created = Refund.objects.get_or_create(
        payment=payment,
        order=order,
        reason=reason,
        defaults={"amount": amount, "currency": payment.currency},
    )
    if created:
        refund_id = refund.pk
        transaction.on_commit(lambda: _enqueue_refund(refund_id))
    return refund


def _enqueue_refund(refund_id: int) -> None:
    from orders import tasks  # the tasks call services: imported when a refund is sent

    tasks.process_refund.delay(refund_id)


def refund_order(order: Order, *, reason: str) -> Refund | None:
    """Refund what `order` was paid (its share of the succeeded payment). Inside a transaction;
    the provider is called by Celery after commit."""
    allocation = (
        PaymentAllocation.objects.select_related("payment")
        .filter(order=order, payment__state=Payment.State.SUCCEEDED)
        .order_by("-payment__succeeded_at")
        .first()
    )
    if allocation is None or allocation.amount <= 0:
        return None
    return create_refund(allocation.payment, order, allocation.amount, reason)


def close_refund(refund: Refund, *, succeeded: bool, provider_ref: str = "", failure: str = ""):
    """Record the provider's answer on a pending refund; a success publishes `payment_refunded`."""
    refund.state = Refund.State.SUCCEEDED if succeeded else Refund.State.FAILED
    refund.completed_at = timezone.now()
    refund.failure_reason = failure[:300]
    if provider_ref:
        refund.provider_ref = provider_ref[:100]
    refund.save(update_fields=["state", "completed_at", "failure_reason", "provider_ref"])
    if succeeded:
        events.payment_refunded.publish(
            refund_id=refund.pk,
            payment_id=refund.payment_id,
            order_id=refund.order_id,
            amount=str(refund.amount),
            currency=refund.currency,
        )


def process_refund(refund_id: int) -> Refund | None:
    """Send a pending refund to the provider (outside any transaction) and record the answer.
    Idempotent: a refund that is no longer pending is left alone; the provider gets the same
    idempotency key on a retry."""
    refund = Refund.objects.select_related("payment", "order").filter(pk=refund_id).first()
    if refund is None or refund.state != Refund.State.PENDING or refund.provider_ref:
        return refund
    payment = refund.payment
    result = get_provider(payment.provider).refund(
        RefundRequest(
            refund_id=refund.pk,
            payment_ref=payment.provider_ref or "",
            amount=refund.amount,
            currency=refund.currency,
            order_number=refund.order.number if refund.order else "",
            reason=refund.reason,
        )
    )
    with transaction.atomic():
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if locked.state != Refund.State.PENDING:
            return locked
        locked.attempts += 1
        if result.succeeded:
            locked.save(update_fields=["attempts"])
            close_refund(locked, succeeded=True, provider_ref=result.provider_ref)
        else:
            locked.provider_ref = result.provider_ref[:100]
            locked.failure_reason = result.failure_reason[:300]
            locked.save(update_fields=["attempts", "provider_ref", "failure_reason"])
        return locked
