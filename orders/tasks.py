"""Celery tasks of the orders chapter: thin, idempotent, by id; each calls one service."""

from __future__ import annotations

from celery import shared_task

from marketplace.core.tasks import retrying_task
from orders import services


@shared_task
def cancel_unpaid_orders() -> int:
    """Beat, every minute: cancel orders unpaid after the payment window, release their stock
    (after asking the provider about their payments: a success pays them instead)."""
    return services.cancel_unpaid_orders()


@shared_task
def repair_pending_payments() -> dict:
    """Beat, every 5 minutes: ask the provider about payments pending for a few minutes and apply
    what it says as its webhook would have (a lost webhook)."""
    return services.repair_pending_payments()


@shared_task
def complete_due_orders() -> int:
    """Beat: complete delivered orders whose return window has ended."""
    return services.complete_due_orders()


@shared_task
def confirm_overdue_receipts() -> int:
    """Beat: mark delivered the orders shipped long ago that nobody confirmed."""
    return services.confirm_overdue_receipts()


@retrying_task
def process_refund(refund_id: int) -> str:
    refund = services.process_refund(refund_id)
    return refund.state if refund else "missing"


@retrying_task
def deliver_payment_event(provider: str, body: str, headers: dict) -> str:
    """Deliver a signed provider event (the offline provider's confirmations) to the same handler
    the webhook endpoint uses; a replayed delivery changes nothing."""
    record = services.receive_payment_event(provider, body.encode(), headers)
    return record.outcome
