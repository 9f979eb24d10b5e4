"""Each shop's ledger: postings on the order's payment, refund, cancellation and completion, the
commission frozen at payment, and balances computed in SQL.

    record_order_paid(order_id=, payment_id=)   # sale, commission, platform-funded discount
    record_refund(refund_id=)                   # refund, commission given back, transfer reversal
    record_order_cancelled(order_id=)           # a transfer not sent yet is not sent
    record_order_completed(order_id=)           # the order's rows become available
    balances(shop) -> [Balance(currency, pending, available)]
    record_adjustment(shop=, amount=, currency=, memo=, actor=)   # audited: shop.ledger_adjusted

These run from the domain events of `orders.events` (subscribed by `connect()`, which
`OrdersConfig.ready()` calls), after the transaction that paid, refunded, cancelled or completed
the order has committed. Every posting is idempotent: a row's `source` ("order:12:sale",
"refund:3", …) is unique per shop, so a repeated event, a retried task or `repost_missing()` after
a failure writes each row once. Nothing here is called from a view.

Commission is computed by `orders.finance.commission` (a pure function of the rates frozen at
payment) and frozen once per order in `OrderCommission`; the shop is owed
`net = sale + platform-funded discount − commission`. Transfers of that net to a shop's Stripe
account are in `orders.finance.services.transfers`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance import audit
from marketplace.core.money import ZERO, as_decimal, quantize
from orders.errors import ErrorCode, OrdersError
from orders.finance.services.paid import record_orders_paid
from orders.models import (
    LedgerEntry,
    Order,
    OrderCommission,
    Refund,
)
from orders.services.refunds import line_refund_amount, unit_shares, units_refunded_before
from shops.models import Shop

logger = logging.getLogger(__name__)

Kind = LedgerEntry.Kind
# Refunds of money that never became a sale (a payment for an order already cancelled or paid).
NOT_A_SALE = (Refund.Reason.LATE_PAYMENT, Refund.Reason.DUPLICATE_PAYMENT)


# --- Posting ----------------------------------------------------------------------------------
def post(
    *,
    shop_id: int,
    kind: str,
    amount: Decimal,
    currency: str,
    source: str,
    order: Order | None = None,
    memo: str = "",
    available_at=None,
    actor=None,
    **links,
) -> LedgerEntry | None:
    """Append one row unless `source` was already posted for the shop (then return that row).
    A zero amount writes nothing. Call inside a transaction."""
    amount = quantize(amount, currency)
    if amount == 0:
        return None
    existing = LedgerEntry.objects.filter(shop_id=shop_id, source=source).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return LedgerEntry.objects.create(
                shop_id=shop_id,
                kind=kind,
                amount=amount,
                currency=currency,
                source=source[:80],
                order=order,
                order_number=order.number if order is not None else "",
                memo=str(memo)[:200],
                available_at=available_at,
                created_by=actor if getattr(actor, "pk", None) else None,
                **links,
            )
    except IntegrityError:  # posted meanwhile by a concurrent delivery of the same event
        return LedgerEntry.objects.get(shop_id=shop_id, source=source)


def _order_availability(order: Order):
    """When an order's rows are available: once it completed (None: still pending)."""
    return order.completed_at if order.state == Order.State.COMPLETED else None


def record_order_paid(*, order_id: int, payment_id: int | None = None) -> OrderCommission | None:
    """The order was paid: freeze its commission and post sale, commission and the discount the
    platform funds; for a Stripe payment, queue the shop's transfer. Idempotent."""
    return record_orders_paid([order_id], payment_id=payment_id).get(order_id)


@dataclass(frozen=True)
class RefundSplit:
    """How a refund comes off the shop's ledger: `amount` back to the buyer, `commission` given
    back by the platform, `platform_discount` taken back; `net` is what the shop returns."""

    amount: Decimal
    commission: Decimal
    platform_discount: Decimal

    @property
    def net(self) -> Decimal:
        return self.amount - self.commission + self.platform_discount


def _refunded_so_far(order: Order, refund_id: int) -> dict[str, Decimal]:
    rows = (
        LedgerEntry.objects.filter(order=order, refund__isnull=False)
        .exclude(refund_id=refund_id)
        .values("kind")
        .annotate(total=Sum("amount"))
    )
    return {row["kind"]: row["total"] for row in rows}


def refund_split(refund: Refund, commission: OrderCommission) -> RefundSplit:
    """See `RefundSplit`. Refunded lines give back exactly their frozen commission; a refund of
    everything left gives back everything left; anything else in proportion to the sale."""
    order = refund.order
    currency = refund.currency
    before = _refunded_so_far(order, refund.pk)
    refunded = -before.get(Kind.REFUND, ZERO)
    commission_left = commission.amount - before.get(Kind.COMMISSION, ZERO)
    discount_left = commission.platform_discount + before.get(Kind.ADJUSTMENT, ZERO)
    refund_lines = list(refund.lines.select_related("line", "line__order"))
    if refund_lines:
        by_line = {int(row["line"]): Decimal(row["commission"]) for row in commission.lines}
        commission_back = discount_back = ZERO
        for refund_line in refund_lines:
            line = refund_line.line
            start = units_refunded_before(line.pk, refund.pk)
            commission_back += unit_shares(
                by_line.get(line.pk, ZERO), line.quantity, currency, start, refund_line.quantity
            )
            discount_back += unit_shares(
                line.discount_platform, line.quantity, currency, start, refund_line.quantity
            )
    elif refunded + refund.amount >= commission.sale:
        commission_back, discount_back = commission_left, discount_left
    else:
        share = refund.amount / commission.sale if commission.sale else ZERO
        commission_back = quantize(commission.amount * share, currency)
        discount_back = quantize(commission.platform_discount * share, currency)
    return RefundSplit(
        amount=refund.amount,
        commission=max(ZERO, min(commission_back, commission_left)),
        platform_discount=max(ZERO, min(discount_back, discount_left)),
    )


def record_refund(*, refund_id: int) -> RefundSplit | None:
    """A refund went through: post it with the commission given back (and the platform-funded
    discount taken back), and take the shop's net back from its transfer. Idempotent."""
    from orders.finance.services import transfers

    refund = Refund.objects.select_related("order").filter(pk=refund_id).first()
    if (
        refund is None
        or refund.order is None
        or refund.state != Refund.State.SUCCEEDED
        or refund.reason in NOT_A_SALE
    ):
        return None
    if not OrderCommission.objects.filter(order_id=refund.order_id).exists():
        record_order_paid(order_id=refund.order_id)  # the sale first, if it was never posted
    with transaction.atomic():
        order = Order.objects.select_for_update(no_key=True).get(pk=refund.order_id)
        commission = OrderCommission.objects.filter(order=order).first()
        if commission is None:
            logger.warning("refund %s: order %s was never paid", refund.pk, order.number)
            return None
        refund.order = order
        if LedgerEntry.objects.filter(shop_id=order.shop_id, source=f"refund:{refund.pk}").exists():
            return refund_split(refund, commission)  # posted already
        split = refund_split(refund, commission)
        completed = order.state == Order.State.COMPLETED
        available_at = timezone.now() if completed else None
        common = {
            "shop_id": order.shop_id,
            "currency": refund.currency,
            "order": order,
            "refund": refund,
            "available_at": available_at,
        }
        post(**common, kind=Kind.REFUND, amount=-split.amount, source=f"refund:{refund.pk}")
        post(
            **common,
            kind=Kind.COMMISSION,
            amount=split.commission,
            source=f"refund:{refund.pk}:commission",
            memo=_("Commission given back with a refund"),
        )
        post(
            **common,
            kind=Kind.ADJUSTMENT,
            amount=-split.platform_discount,
            source=f"refund:{refund.pk}:platform-discount",
            memo=_("Platform-funded discount taken back with a refund"),
        )
        transfers.reverse_transfer_for_refund(refund=refund, amount=split.net)
        if order.state == Order.State.CANCELLED:
            release_if_settled(order)
    return split


def release_if_settled(order: Order) -> None:
    """A cancelled order whose rows add up to nothing (refunded, and its transfer taken back):
    nothing is pending for it any more."""
    total = LedgerEntry.objects.filter(order=order).aggregate(total=Sum("amount", default=ZERO))
    if total["total"] == 0:
        LedgerEntry.objects.filter(order=order, available_at__isnull=True).update(
            available_at=timezone.now()
        )


def record_order_cancelled(*, order_id: int) -> None:
    """A paid order was cancelled: its transfer, if not sent yet, is not sent (the refund takes
    back one that was). The ledger rows follow the refund."""
    from orders.finance.services import transfers

    transfers.cancel_transfer_for_order(order_id=order_id)


def record_order_completed(*, order_id: int) -> int:
    """The return window ended: the order's pending rows become available. Returns how many."""
    order = Order.objects.filter(pk=order_id, state=Order.State.COMPLETED).first()
    if order is None:
        return 0
    if not OrderCommission.objects.filter(order=order).exists():
        record_order_paid(order_id=order.pk)
    return LedgerEntry.objects.filter(order=order, available_at__isnull=True).update(
        available_at=order.completed_at or timezone.now()
    )


def parse_amount(amount, currency: str) -> Decimal:
    """An amount staff entered, rounded to the currency's minor unit; refused on the field
    `amount` when it is not a number."""
    try:
        return quantize(as_decimal(amount), currency)
    except (TypeError, ValueError, ArithmeticError) as error:
        raise OrdersError(_("Enter an amount."), code=ErrorCode.INVALID, field="amount") from error


def record_adjustment(
    *, shop, amount, currency: str, memo: str, actor, order: Order | None = None, reference: str
) -> LedgerEntry:
    """A correction by platform staff (positive: owed to the shop). `reference` makes it unique:
    the same reference twice is one row. Available at once unless it belongs to an open order."""
    memo = " ".join((memo or "").split())
    if not memo:
        raise OrdersError(
            _("Say what the adjustment is for."), code=ErrorCode.INVALID, field="memo"
        )
    amount = parse_amount(amount, currency)
    if amount == 0:
        raise OrdersError(
            _("Enter an amount other than zero."), code=ErrorCode.INVALID, field="amount"
        )
    if order is not None and order.shop_id != shop.pk:
        raise OrdersError(_("Order not found."), code=ErrorCode.NOT_FOUND, field="order")
    available_at = timezone.now()
    if order is not None and order.state != Order.State.COMPLETED:
        available_at = None
    source = f"adjustment:{reference}"[:80]
    with transaction.atomic():
        # One adjustment of a shop at a time (NO KEY UPDATE: rows referencing the shop may still
        # be written), so that a reference sent twice is posted, and audited, once.
        Shop.objects.select_for_update(no_key=True).filter(pk=shop.pk).first()
        existing = LedgerEntry.objects.filter(shop_id=shop.pk, source=source).first()
        if existing is not None:
            return existing
        before = balance_snapshot(shop.pk, currency)
        entry = post(
            shop_id=shop.pk,
            kind=Kind.ADJUSTMENT,
            amount=amount,
            currency=currency,
            source=source,
            order=order,
            memo=memo,
            available_at=available_at,
            actor=actor,
        )
        audit.record(
            "shop.ledger_adjusted",
            actor=actor,
            obj=entry,
            shop_id=shop.pk,
            before=before,
            after={
                **balance_snapshot(shop.pk, currency),
                "amount": str(amount),
                "currency": currency,
                "reference": reference,
                "order": order.number if order is not None else "",
            },
            reason=memo,
        )
        return entry


# --- Balances (SQL) ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Balance:
    currency: str
    pending: Decimal
    available: Decimal

    @property
    def total(self) -> Decimal:
        return self.pending + self.available


def balance_aggregates(now):
    available = Q(available_at__lte=now)
    return {
        "pending": Sum("amount", filter=~available, default=ZERO),
        "available": Sum("amount", filter=available, default=ZERO),
    }


def balances(shop, *, now=None) -> list[Balance]:
    """The shop's pending and available balance per currency (one query)."""
    now = now or timezone.now()
    rows = (
        LedgerEntry.objects.for_shop(shop)
        .values("currency")
        .annotate(**balance_aggregates(now))
        .order_by("currency")
    )
    return [Balance(row["currency"], row["pending"], row["available"]) for row in rows]


def balance_snapshot(shop_id: int, currency: str, *, now=None) -> dict[str, str]:
    """The shop's pending and available balance in `currency` as strings, for audit rows."""
    totals = LedgerEntry.objects.filter(shop_id=shop_id, currency=currency).aggregate(
        **balance_aggregates(now or timezone.now())
    )
    return {name: str(quantize(value, currency)) for name, value in totals.items()}


def available_balance(shop, currency: str, *, now=None) -> Decimal:
    now = now or timezone.now()
    return (
        LedgerEntry.objects.for_shop(shop)
        .filter(currency=currency, available_at__lte=now)
        .aggregate(total=Sum("amount", default=ZERO))["total"]
    )


# --- Reads (selectors) ------------------------------------------------------------------------
def list_entries(shop, *, filters: dict | None = None, now=None):
    """The shop's ledger rows, newest first, filtered by the seller's choices: `kind`, `state`
    ("pending" / "available"), `booked_from` / `booked_to` (dates), `order` (number),
    `currency`. Reads one table: no joins, so a page of any size is one query."""
    filters = filters or {}
    now = now or timezone.now()
    queryset = LedgerEntry.objects.for_shop(shop).order_by("-created_at", "-id")
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    if filters.get("state") == "pending":
        queryset = queryset.pending(now=now)
    elif filters.get("state") == "available":
        queryset = queryset.available(now=now)
    if filters.get("booked_from"):
        queryset = queryset.filter(created_at__date__gte=filters["booked_from"])
    if filters.get("booked_to"):
        queryset = queryset.filter(created_at__date__lte=filters["booked_to"])
    if filters.get("order"):
        queryset = queryset.filter(order_number__iexact=str(filters["order"]).strip())
    if filters.get("currency"):
        queryset = queryset.filter(currency__iexact=filters["currency"])
    return queryset


def list_statements(shop):
    from orders.models import Statement

    return Statement.objects.for_shop(shop).order_by("-period_start", "currency", "-id")


def held_transfers(shop):
    """The shop's transfers waiting for a connected Stripe account (or failed)."""
    from orders.models import ShopTransfer

    return (
        ShopTransfer.objects.for_shop(shop)
        .filter(state__in=[ShopTransfer.State.HELD, ShopTransfer.State.FAILED])
        .select_related("order")
        .order_by("created_at", "id")
    )


# --- Repair -----------------------------------------------------------------------------------
def repost_missing(*, limit: int = 500) -> int:
    """Post the paid orders and succeeded refunds whose rows are missing (an event handler that
    failed). Idempotent; returns how many were posted."""
    paid_without = (
        Order.objects.filter(paid_at__isnull=False)
        .exclude(pk__in=OrderCommission.objects.values("order_id"))
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for order_id in list(paid_without):
        if record_order_paid(order_id=order_id) is not None:
            done += 1
    refunds = (
        Refund.objects.filter(state=Refund.State.SUCCEEDED, order__isnull=False)
        .exclude(reason__in=NOT_A_SALE)
        .exclude(
            pk__in=LedgerEntry.objects.filter(kind=Kind.REFUND, refund__isnull=False).values(
                "refund_id"
            )
        )
        .values_list("pk", flat=True)[:limit]
    )
    for refund_id in list(refunds):
        if record_refund(refund_id=refund_id) is not None:
            done += 1
    completed = (
        Order.objects.filter(state=Order.State.COMPLETED)
        .filter(ledger_entries__available_at__isnull=True)
        .values_list("pk", flat=True)
        .distinct()[:limit]
    )
    for order_id in list(completed):
        record_order_completed(order_id=order_id)
    return done


# --- Domain events ----------------------------------------------------------------------------
def on_order_paid(*, payloads):
    """`order_paid` of the orders of one payment (a batch subscriber: one call, one
    transaction for them all)."""
    by_payment: dict = {}
    for payload in payloads:
        by_payment.setdefault(payload.get("payment_id"), []).append(payload["order_id"])
    for payment_id, order_ids in by_payment.items():
        record_orders_paid(order_ids, payment_id=payment_id)


def on_order_cancelled(*, order_id, was_paid=False, **_payload):
    if was_paid:
        record_order_cancelled(order_id=order_id)


def on_order_completed(*, order_id, **_payload):
    record_order_completed(order_id=order_id)


def on_payment_refunded(*, refund_id, **_payload):
    record_refund(refund_id=refund_id)


def connect() -> None:
    """Subscribe the ledger to the order events (idempotent), and register its Celery tasks."""
    from orders import events
    from orders.finance import tasks  # noqa: F401 - registers the money side's Celery tasks

    events.order_paid.subscribe(on_order_paid, batch=True)
    events.order_cancelled.subscribe(on_order_cancelled)
    events.order_completed.subscribe(on_order_completed)
    events.payment_refunded.subscribe(on_payment_refunded)


__all__ = [
    "Balance",
    "RefundSplit",
    "available_balance",
    "balance_snapshot",
    "balances",
    "connect",
    "held_transfers",
    "line_refund_amount",
    "list_entries",
    "list_statements",
    "parse_amount",
    "record_adjustment",
    "record_order_cancelled",
    "record_order_completed",
    "record_order_paid",
    "record_orders_paid",
    "record_refund",
    "refund_split",
    "repost_missing",
]
