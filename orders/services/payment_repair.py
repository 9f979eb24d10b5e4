"""Payments the provider knows better than we do: a success whose webhook never arrived.

    repair_pending_payments() -> dict    # beat (every 5 minutes): payments pending for a while
    cancel_unpaid_orders() -> int        # beat (every minute): the unpaid timeout, asking first

A provider's webhook can be lost (an outage on either side, a queue flushed, a worker killed
with the offline provider's delivery). Nothing else would ever tell us that the buyer paid, and
the unpaid timeout would then cancel an order the buyer paid for. So:

- `payments.check_payment` asks the provider for the payment's state (`retrieve_event`: Stripe
  retrieves the PaymentIntent, the offline provider reads its own record) and applies the answer
  through `payments.handle_payment_event`, the webhook's own path: the event id names the state
  (`sync_<reference>_<status>`), so asking twice applies it once, and the real webhook arriving
  late finds the payment succeeded and changes nothing (recorded as "ignored");
- `repair_pending_payments` does that for every payment still pending (or failed, since the
  buyer may try again) ORDERS_PAYMENT_REPAIR_AFTER_MINUTES (5) after it was made, for two days at
  most, a bounded number per run;
- `cancel_unpaid_orders` asks about an overdue order's open payments before cancelling it: a
  payment the provider reports succeeded pays the order instead. When the provider cannot be
  reached, the order is not cancelled yet (logged, asked again next run), but for no longer than
  ORDERS_PAYMENT_REPAIR_GRACE_MINUTES (60) after its deadline: then it is cancelled anyway, and a
  success the provider reports later is refunded as a late payment (`handle_payment_event`).

Within one run, a provider that could not be reached is not asked again (one slow timeout per
run, not one per payment). Calls to providers happen outside any transaction; each application
is the webhook path's own transaction. This module sits above `payments` and `lifecycle`.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from marketplace.core.errors import ConflictError
from orders.models import Order, Payment, PaymentEvent
from orders.services.lifecycle import cancel_order
from orders.services.payments import (
    ASKABLE_STATES,
    OPEN,
    REFUSED,
    UNREACHABLE,
    Check,
    check_payment,
)

logger = logging.getLogger(__name__)

HORIZON = timedelta(days=2)  # older open payments are left to people (admin, reconciliation)


def repair_after() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "ORDERS_PAYMENT_REPAIR_AFTER_MINUTES", 5)))


def repair_grace() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "ORDERS_PAYMENT_REPAIR_GRACE_MINUTES", 60)))


@dataclass
class _Run:
    """One run's memory: providers found unreachable, payments already asked."""

    down: set[str] = field(default_factory=set)
    asked: dict[int, Check] = field(default_factory=dict)

    def check(self, payment: Payment) -> Check:
        if payment.pk not in self.asked:
            if payment.provider in self.down:
                return Check(payment.pk, UNREACHABLE)
            self.asked[payment.pk] = check_payment(payment)
            if self.asked[payment.pk].outcome == UNREACHABLE:
                self.down.add(payment.provider)
        return self.asked[payment.pk]


def repair_pending_payments(*, now=None, limit: int = 100) -> dict[str, int]:
    """Ask about the payments pending for a while (see above); returns how many were asked and
    what was found (`applied`, `unchanged`, `open`, `unreachable`, `refused`)."""
    now = now or timezone.now()
    payments = list(
        Payment.objects.filter(
            state__in=ASKABLE_STATES,
            provider_ref__isnull=False,
            created_at__lte=now - repair_after(),
            created_at__gte=now - HORIZON,
        ).order_by("created_at", "pk")[:limit]
    )
    run = _Run()
    found: Counter[str] = Counter()
    for payment in payments:
        outcome = run.check(payment).outcome
        if outcome not in (OPEN, UNREACHABLE, REFUSED, PaymentEvent.Outcome.APPLIED):
            outcome = "unchanged"
        found[outcome] += 1
    summary = {"asked": len(payments)}
    for key in (PaymentEvent.Outcome.APPLIED, "unchanged", OPEN, UNREACHABLE, REFUSED):
        summary[str(key)] = found[key]
    return summary


def cancel_unpaid_orders(*, now=None, limit: int = 200) -> int:
    """Cancel orders still unpaid after the payment window, once their provider has said it has
    no success for them (see above); returns how many were cancelled."""
    now = now or timezone.now()
    ids = list(
        Order.objects.payment_overdue(now=now)
        .order_by("payment_due_at")
        .values_list("pk", flat=True)[:limit]
    )
    run = _Run()
    cancelled = 0
    for order in Order.objects.filter(pk__in=ids).order_by("pk"):
        if _provider_unreachable(order, run):
            if order.payment_due_at > now - repair_grace():
                logger.warning(
                    "order %s: unpaid after its deadline, but the provider could not be asked "
                    "about its payment: not cancelled yet",
                    order.number,
                )
                continue
            logger.warning(
                "order %s: the provider could not be asked for %s: cancelled anyway (a success "
                "reported later is refunded)",
                order.number,
                repair_grace(),
            )
        try:
            cancel_order(order, by=Order.CancelledBy.SYSTEM)
        except ConflictError:
            continue  # paid (maybe by the check just made) or cancelled meanwhile
        cancelled += 1
    return cancelled


def _provider_unreachable(order: Order, run: _Run) -> bool:
    """Ask about the order's open payments (a success pays it); True when a provider could not
    be reached."""
    payments = Payment.objects.filter(
        allocations__order=order, state__in=ASKABLE_STATES, provider_ref__isnull=False
    ).order_by("pk")
    return any(run.check(payment).outcome == UNREACHABLE for payment in payments)
