"""Money going back to buyers by line, payouts outside Stripe, and the shops' statements.

Refunds of single lines
    refund_lines(order=, lines={line_id: quantity}, actor=)   # exactly those lines' share

Payouts outside Stripe (the platform's finance staff)
    record_payout(shop=, amount=, currency=, reference=, actor=)   # ≤ the available balance
    return_payout(payout=, actor=, reason=)

Statements
    statement_period(day) -> (start, end)            # ORDERS_STATEMENT_PERIOD: month | week
    generate_statement(shop=, currency=, start=, end=)   # once per (shop, currency, period)
    generate_statements(now=)                        # beat: every shop, the last ended period
    statement_entries(statement)                     # its rows, for the page and the CSV

Transfers to shops' Stripe accounts (and Connect onboarding) are in
`orders.finance.services.transfers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance import audit
from marketplace.core.money import ZERO, quantize
from marketplace.core.states import transition
from orders.errors import ErrorCode, OrdersConflict, OrdersError
from orders.models import LedgerEntry, Order, Payout, Refund, Statement

Kind = LedgerEntry.Kind


# --- Refunds of single lines ------------------------------------------------------------------
def refund_lines(*, order: Order, lines: dict, actor=None, reason: str = "") -> Refund:
    """Refund `quantity` units of some lines of a paid order: exactly what those units paid (their
    share of the line total after discounts). The ledger gives back exactly their commission and
    the transfer reversal takes back exactly their net. Through the one refund service
    (`orders.services.refunds.create_refund`: what is left, the locks, the audit row); the
    provider is called after commit."""
    from orders.services import refunds

    return refunds.create_refund(
        order=order, lines=lines, reason=Refund.Reason.AFTERSALES, actor=actor, note=reason
    )


# --- Payouts (outside Stripe) -----------------------------------------------------------------
def record_payout(*, shop, amount, currency: str, reference: str, actor, note: str = "") -> Payout:
    """The platform paid the shop `amount` (e.g. by bank transfer, `reference`): a payout row and
    its ledger row. Refused above the available balance; the same reference twice is refused."""
    from orders.finance.services.ledger import available_balance, parse_amount, post

    reference = " ".join((reference or "").split())[:100]
    if not reference:
        raise OrdersError(
            _("Enter the bank reference of the payout."), code=ErrorCode.INVALID, field="reference"
        )
    amount = parse_amount(amount, currency)
    if amount <= 0:
        raise OrdersError(_("A payout is more than zero."), code=ErrorCode.INVALID, field="amount")
    from shops.models import Shop

    try:
        with transaction.atomic():
            # One payout at a time; NO KEY UPDATE so that rows referencing the shop can still be
            # written (their foreign key checks take KEY SHARE) while a payout is recorded.
            Shop.objects.select_for_update(no_key=True).filter(pk=shop.pk).first()
            available = available_balance(shop, currency)
            if amount > available:
                raise OrdersConflict(
                    _("Only %(available)s %(currency)s is available to pay out.")
                    % {"available": available, "currency": currency},
                    code="insufficient_balance",
                    field="amount",
                )
            payout = Payout.objects.create(
                shop=shop,
                amount=amount,
                currency=currency,
                reference=reference,
                note=note[:300],
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            post(
                shop_id=shop.pk,
                kind=Kind.PAYOUT,
                amount=-amount,
                currency=currency,
                source=f"payout:{payout.pk}",
                payout=payout,
                memo=_("Payout %(reference)s") % {"reference": reference},
                available_at=timezone.now(),
                actor=actor,
            )
            audit.record(
                "shop.payout_recorded",
                actor=actor,
                obj=payout,
                shop_id=shop.pk,
                before={"available": str(quantize(available, currency))},
                after={
                    "available": str(quantize(available - amount, currency)),
                    "amount": str(amount),
                    "currency": currency,
                    "reference": reference,
                },
            )
    except IntegrityError as error:
        raise OrdersConflict(
            _("A payout with this reference is already recorded."),
            code="duplicate",
            field="reference",
        ) from error
    return payout


def return_payout(*, payout: Payout, actor, reason: str) -> Payout:
    """The bank returned the payout: the money is available to the shop again."""
    from orders.finance.services.ledger import post

    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise OrdersError(_("Give a reason."), code=ErrorCode.REASON_REQUIRED, field="reason")
    with transaction.atomic():
        before = {"state": str(payout.state)}
        transition(payout, to=Payout.State.RETURNED, actor=actor, reason=reason)
        post(
            shop_id=payout.shop_id,
            kind=Kind.PAYOUT,
            amount=payout.amount,
            currency=payout.currency,
            source=f"payout:{payout.pk}:returned",
            payout=payout,
            memo=_("Payout %(reference)s returned: %(reason)s")
            % {"reference": payout.reference, "reason": reason},
            available_at=timezone.now(),
            actor=actor,
        )
        audit.record(
            "shop.payout_returned",
            actor=actor,
            obj=payout,
            shop_id=payout.shop_id,
            before=before,
            after={
                "state": str(payout.state),
                "amount": str(payout.amount),
                "currency": payout.currency,
            },
            reason=reason,
        )
    return payout


# --- Statements -------------------------------------------------------------------------------
def statement_period(day: date) -> tuple[date, date]:
    """The period containing `day`: [start, end)."""
    if getattr(settings, "ORDERS_STATEMENT_PERIOD", "month") == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    start = day.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's dates as aware datetimes at local midnight."""
    return _midnight(start), _midnight(end)


@dataclass(frozen=True)
class StatementTotals:
    opening: Decimal
    by_kind: dict
    available_at_close: Decimal
    count: int


def _totals(shop_id: int, currency: str, start_at: datetime, end_at: datetime) -> StatementTotals:
    rows = LedgerEntry.objects.filter(shop_id=shop_id, currency=currency, created_at__lt=end_at)
    in_period = Q(created_at__gte=start_at)
    aggregates = {
        "opening": Sum("amount", filter=~in_period, default=ZERO),
        "available": Sum("amount", filter=Q(available_at__lt=end_at), default=ZERO),
        "count": Count("id", filter=in_period),
        **{
            kind: Sum("amount", filter=in_period & Q(kind=kind), default=ZERO)
            for kind in Kind.values
        },
    }
    totals = rows.aggregate(**aggregates)
    return StatementTotals(
        opening=totals["opening"],
        by_kind={kind: totals[kind] for kind in Kind.values},
        available_at_close=totals["available"],
        count=totals["count"],
    )


def generate_statement(*, shop, currency: str, start: date, end: date) -> Statement:
    """The shop's statement for [start, end) in `currency`; made once, then returned as is."""
    if end <= start:
        raise OrdersError(_("A period ends after it starts."), code=ErrorCode.INVALID)
    if end > timezone.localdate():
        raise OrdersError(_("That period has not ended yet."), code=ErrorCode.INVALID)
    shop_id = getattr(shop, "pk", shop)
    existing = Statement.objects.filter(
        shop_id=shop_id, currency=currency, period_start=start, period_end=end
    ).first()
    if existing is not None:
        return existing
    start_at, end_at = period_bounds(start, end)
    totals = _totals(shop_id, currency, start_at, end_at)
    kinds = totals.by_kind
    closing = totals.opening + sum(kinds.values(), ZERO)
    try:
        with transaction.atomic():
            return Statement.objects.create(
                shop_id=shop_id,
                currency=currency,
                period_start=start,
                period_end=end,
                opening_balance=totals.opening,
                sales=kinds[Kind.SALE],
                commissions=kinds[Kind.COMMISSION],
                refunds=kinds[Kind.REFUND],
                adjustments=kinds[Kind.ADJUSTMENT],
                payouts=kinds[Kind.PAYOUT],
                closing_balance=closing,
                available_at_close=totals.available_at_close,
                pending_at_close=closing - totals.available_at_close,
                entry_count=totals.count,
            )
    except IntegrityError:  # generated meanwhile by another run
        return Statement.objects.get(
            shop_id=shop_id, currency=currency, period_start=start, period_end=end
        )


def generate_statements(*, now=None) -> int:
    """Beat: the statement of the last ended period for every shop and currency with ledger rows
    by then. Idempotent (a second run finds them made); returns how many it made."""
    today = timezone.localdate(now or timezone.now())
    current_start, _end = statement_period(today)
    start, end = statement_period(current_start - timedelta(days=1))
    _start_at, end_at = period_bounds(start, end)
    pairs = (
        LedgerEntry.objects.filter(created_at__lt=end_at)
        .values_list("shop_id", "currency")
        .distinct()
        .order_by("shop_id", "currency")
    )
    made = Statement.objects.filter(period_start=start, period_end=end).values_list(
        "shop_id", "currency"
    )
    done = set(made)
    count = 0
    for shop_id, currency in pairs.iterator():
        if (shop_id, currency) in done:
            continue
        generate_statement(shop=shop_id, currency=currency, start=start, end=end)
        count += 1
    return count


def statement_entries(statement: Statement):
    """The statement's rows (oldest first), a queryset to iterate or paginate."""
    start_at, end_at = period_bounds(statement.period_start, statement.period_end)
    return LedgerEntry.objects.filter(
        shop_id=statement.shop_id,
        currency=statement.currency,
        created_at__gte=start_at,
        created_at__lt=end_at,
    ).order_by("created_at", "id")
