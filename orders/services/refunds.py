"""Money going back: what is still refundable, refunds capped at it, open payments cancelled.

    refundable(order) -> Refundable            # per payment and per line: paid, refunded, left
    create_refund(order=, reason=, amount= or lines={line_id: units}, payment=, actor=, cap=)
                                               # THE way a Refund is made (every path: line
                                               # refunds, cancellations, late and duplicate
                                               # payments, after-sales); sent after commit
    refund_order(order, reason=, actor=)       # the rest of what the order was paid
    lock_payments(order)                       # the checkout's payments, locked by primary key
    process_refund(refund_id)                  # the provider call, then the result, idempotent
    close_refund(refund, succeeded=...)        # the provider's answer (also from its events)
    cancel_open_payment(payment, reason=...)   # inside the caller's transaction
    unit_shares(), units_refunded_before(), line_refund_amount()   # a line's units, exactly

The ceiling. What may still go back for an order is, per payment, what the succeeded payment
allocated to the order less its refunds that are pending or succeeded (a failed refund gives its
share back); per line, the units not refunded yet and their exact share of the line total
(largest remainder: a line's units add up to it to the cent), never more than the order has
left. `create_refund` checks it with the payment and the order locked, and refuses more (or, with
`cap=True`, for the system's own refunds, refunds what is left). PostgreSQL checks it again:
`Payment.refunded` and `PaymentAllocation.refunded` are kept by a trigger on the refunds table,
with CHECK refunded <= amount (migration 0006, decision 0006), whoever writes a refund.

Locks: payments (by primary key), then the order, as on every path (docs/architecture.md). A
caller that already holds the order's lock must hold the lock of the payment it refunds from
(`cancel_order` locks the checkout's payments first; a payment event holds its payment).

Audit: every refund writes `order.refund_created` (who, the refunded total before and after) in
the transaction that makes it, and `order.refund_succeeded` / `order.refund_failed` when the
provider answers, whoever called.

These are the payment-side steps that both an order's life (`lifecycle.cancel_order`) and the
provider's events (`payments.handle_payment_event`) need. They change no order state, so this
module imports neither of them: lifecycle and payments both import it (see the package
docstring for the direction).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance import audit
from marketplace.core.money import ZERO, allocate, as_decimal, quantize
from marketplace.core.states import transition
from orders import events
from orders.errors import ErrorCode, OrdersConflict, OrdersError
from orders.models import Order, OrderLine, Payment, PaymentAllocation, Refund, RefundLine
from orders.payments import get_provider
from orders.payments.base import RefundRequest

logger = logging.getLogger(__name__)


# --- A line's units -----------------------------------------------------------------------------
def unit_shares(total: Decimal, quantity: int, currency: str, start: int, count: int) -> Decimal:
    """The shares of units start..start+count of `total` split over `quantity` units, exactly."""
    if count <= 0 or quantity <= 0:
        return ZERO
    shares = allocate(total, [1] * quantity, currency)
    return sum(shares[start : start + count], ZERO)


def units_refunded_before(line_id: int, refund_id: int | None) -> int:
    """Units of a line in earlier refunds that did not fail (refund lines are taken in order)."""
    queryset = RefundLine.objects.filter(line_id=line_id).exclude(refund__state=Refund.State.FAILED)
    if refund_id is not None:
        queryset = queryset.filter(refund_id__lt=refund_id)
    return queryset.aggregate(units=Sum("quantity", default=0))["units"]


def line_refund_amount(line: OrderLine, quantity: int, *, refund_id: int | None = None) -> Decimal:
    """What `quantity` more units of `line` paid: their exact share of the line's total."""
    start = units_refunded_before(line.pk, refund_id)
    return unit_shares(line.line_total, line.quantity, line.order.currency, start, quantity)


# --- What is still refundable -------------------------------------------------------------------
@dataclass(frozen=True)
class PaymentShare:
    """One succeeded payment's part of an order: what it paid for it, what went back."""

    payment_id: int
    captured: Decimal
    refunded: Decimal
    sale: bool  # the payment that paid the order (others paid it twice, or after it was cancelled)

    @property
    def left(self) -> Decimal:
        return max(ZERO, self.captured - self.refunded)


@dataclass(frozen=True)
class LineShare:
    line_id: int
    sku_code: str
    quantity: int
    paid: Decimal
    units_refunded: int
    refunded: Decimal
    units_left: int
    left: Decimal


@dataclass(frozen=True)
class Refundable:
    order_id: int
    currency: str
    payments: tuple[PaymentShare, ...]
    lines: tuple[LineShare, ...]

    @property
    def captured(self) -> Decimal:
        return sum((share.captured for share in self.payments), ZERO)

    @property
    def refunded(self) -> Decimal:
        return sum((share.refunded for share in self.payments), ZERO)

    @property
    def left(self) -> Decimal:
        return sum((share.left for share in self.payments), ZERO)

    def line(self, line_id: int) -> LineShare | None:
        return next((share for share in self.lines if share.line_id == line_id), None)

    def payment(self, payment_id: int) -> PaymentShare | None:
        return next((share for share in self.payments if share.payment_id == payment_id), None)


def _payment_shares(order: Order) -> tuple[PaymentShare, ...]:
    """The succeeded payments of `order`, the one that paid it first (one query; whether the
    order was paid is read there too, not from a possibly stale `order`)."""
    rows = list(
        PaymentAllocation.objects.filter(order=order, payment__state=Payment.State.SUCCEEDED)
        .order_by("payment__succeeded_at", "payment_id")
        .values_list("payment_id", "amount", "refunded", "order__paid_at")
    )
    return tuple(
        PaymentShare(
            payment_id=payment_id,
            captured=amount,
            refunded=refunded,
            sale=index == 0 and paid_at is not None,
        )
        for index, (payment_id, amount, refunded, paid_at) in enumerate(rows)
    )


def _line_shares(order: Order, order_left: Decimal) -> tuple[LineShare, ...]:
    refunded = {
        row["line_id"]: (row["units"], row["amount"])
        for row in RefundLine.objects.filter(line__order=order)
        .exclude(refund__state=Refund.State.FAILED)
        .values("line_id")
        .annotate(units=Sum("quantity"), amount=Sum("amount"))
    }
    shares = []
    for line in OrderLine.objects.filter(order=order).order_by("pk"):
        units, amount = refunded.get(line.pk, (0, ZERO))
        units_left = max(0, line.quantity - units) if order_left > 0 else 0
        left = unit_shares(line.line_total, line.quantity, order.currency, units, units_left)
        shares.append(
            LineShare(
                line_id=line.pk,
                sku_code=line.sku_code,
                quantity=line.quantity,
                paid=line.line_total,
                units_refunded=units,
                refunded=amount,
                units_left=units_left,
                left=min(left, order_left),
            )
        )
    return tuple(shares)


def refundable(order: Order) -> Refundable:
    """What `order` was paid and what may still go back, per payment and per line (3 queries).
    Read without locks: `create_refund` reads it again under them."""
    payments = _payment_shares(order)
    left = sum((share.left for share in payments), ZERO)
    return Refundable(
        order_id=order.pk,
        currency=order.currency,
        payments=payments,
        lines=_line_shares(order, left),
    )


# --- Making a refund ----------------------------------------------------------------------------
def lock_payments(order: Order) -> list[Payment]:
    """Lock the payments of `order`'s checkout, by primary key: the first lock of any path that
    refunds (or cancels) an order, before the order itself."""
    return list(
        Payment.objects.select_for_update(no_key=True)
        .filter(checkout_id=order.checkout_id)
        .order_by("pk")
    )


def _parse_amount(amount, currency: str) -> Decimal:
    try:
        value = quantize(as_decimal(amount), currency)
    except (TypeError, ValueError, ArithmeticError, InvalidOperation) as error:
        raise OrdersError(_("Enter an amount."), code=ErrorCode.INVALID, field="amount") from error
    if not value.is_finite() or value <= 0:
        raise OrdersError(_("A refund is more than zero."), code=ErrorCode.INVALID, field="amount")
    return value


def _wanted_lines(lines) -> dict[int, int]:
    wanted: dict[int, int] = {}
    for key, quantity in (lines or {}).items():
        try:
            line_id, quantity = int(key), int(quantity)
        except (TypeError, ValueError) as error:
            raise OrdersError(_("Unknown order line."), code=ErrorCode.INVALID) from error
        if quantity < 1:
            raise OrdersError(
                _("Refund at least one unit."), code=ErrorCode.INVALID_QUANTITY, field="quantity"
            )
        wanted[line_id] = quantity
    if not wanted:
        raise OrdersError(_("Choose what to refund."), code=ErrorCode.INVALID_QUANTITY)
    return wanted


def _line_amounts(order: Order, wanted: dict[int, int]) -> dict[int, Decimal]:
    """The exact amounts of the wanted units; refused above the units left on a line."""
    by_id = {line.pk: line for line in OrderLine.objects.filter(order=order, pk__in=wanted)}
    amounts: dict[int, Decimal] = {}
    for line_id, quantity in sorted(wanted.items()):
        line = by_id.get(line_id)
        if line is None:
            raise OrdersError(_("Unknown order line."), code=ErrorCode.INVALID)
        line.order = order
        left = line.quantity - units_refunded_before(line.pk, None)
        if quantity > left:
            raise OrdersError(
                _("Only %(left)d of %(sku)s can still be refunded.")
                % {"left": left, "sku": line.sku_code},
                code=ErrorCode.INVALID_QUANTITY,
                field="quantity",
            )
        amounts[line_id] = line_refund_amount(line, quantity)
    return amounts


def _too_much() -> OrdersConflict:
    return OrdersConflict(
        _("That is more than is left to refund on this order."),
        code=ErrorCode.TOO_MUCH,
        field="amount",
    )


def _choose(shares, payment_id: int | None, amount: Decimal, cap: bool) -> PaymentShare | None:
    """The payment to refund from: the one named, else the one that paid the order first (then
    the others) with enough left; with `cap`, the one with the most left."""
    if payment_id is not None:
        return next((share for share in shares if share.payment_id == payment_id), None)
    ordered = sorted(shares, key=lambda share: not share.sale)
    enough = next((share for share in ordered if share.left >= amount), None)
    if enough is not None or not cap:
        return enough
    return max(ordered, key=lambda share: share.left, default=None)


def create_refund(
    *,
    order: Order,
    reason: str,
    amount=None,
    lines: dict | None = None,
    payment: Payment | None = None,
    actor=None,
    cap: bool = False,
    note: str = "",
) -> Refund | None:
    """A pending refund for `order`, sent to the provider by Celery after commit.

    `amount`, or `lines` ({line id: units}: exactly those units' share). From `payment` (else the
    payment that paid the order). More than is left is refused (`too_much`, nothing written);
    with `cap=True` (the system's own refunds: cancellations, late and duplicate payments) the
    rest is refunded instead, and None is returned when nothing is left. A system refund (any
    reason but after-sales) is made once per payment, order and reason: asking again returns it.
    Writes the audit row `order.refund_created` with `actor`.
    """
    wanted = _wanted_lines(lines) if lines is not None else None
    if wanted is None:
        amount = _parse_amount(amount, order.currency)
    elif amount is not None:
        raise OrdersError(
            _("Refund some lines or an amount, not both."), code=ErrorCode.INVALID, field="amount"
        )
    with transaction.atomic():
        if payment is not None:
            Payment.objects.select_for_update(no_key=True).filter(pk=payment.pk).first()
        else:
            lock_payments(order)
        locked = Order.objects.select_for_update(no_key=True).get(pk=order.pk)
        if wanted is not None and locked.paid_at is None:
            raise OrdersConflict(_("This order was not paid."), code=ErrorCode.NOT_PAYABLE)
        if payment is not None and reason != Refund.Reason.AFTERSALES:
            existing = (
                Refund.objects.filter(payment=payment, order=locked, reason=reason)
                .exclude(state=Refund.State.FAILED)
                .first()
            )
            if existing is not None:
                return existing  # asked again (a replayed event, a retried job)
        line_amounts = _line_amounts(locked, wanted) if wanted is not None else {}
        if wanted is not None:
            amount = sum(line_amounts.values(), ZERO)
        shares = _payment_shares(locked)
        share = _choose(shares, payment.pk if payment is not None else None, amount, cap)
        if share is None:
            if cap:
                return None
            if not shares:
                raise OrdersConflict(
                    _("This order has no payment to refund."), code=ErrorCode.NO_PAYMENT
                )
            raise _too_much()
        if amount > share.left:
            if not cap or wanted is not None:
                raise _too_much()
            amount = share.left
        if amount <= 0:
            if cap:
                return None
            raise _too_much()
        refund = Refund.objects.create(
            payment_id=share.payment_id,
            order=locked,
            amount=amount,
            currency=locked.currency,
            reason=reason,
        )
        RefundLine.objects.bulk_create(
            RefundLine(
                shop_id=locked.shop_id,
                refund=refund,
                line_id=line_id,
                quantity=wanted[line_id],
                amount=line_amount,
            )
            for line_id, line_amount in line_amounts.items()
        )
        audit.record(
            "order.refund_created",
            actor=actor,
            obj=refund,
            shop_id=locked.shop_id,
            before={"refunded": str(share.refunded), "left": str(share.left)},
            after={
                "refund": refund.pk,
                "order": locked.number,
                "payment": share.payment_id,
                "reason": reason,
                "amount": str(amount),
                "currency": locked.currency,
                "refunded": str(share.refunded + amount),
                "left": str(share.left - amount),
                "lines": {str(line_id): units for line_id, units in (wanted or {}).items()},
            },
            reason=note,
        )
        refund_id = refund.pk
        transaction.on_commit(lambda: _enqueue_refund(refund_id))
    return refund


def _enqueue_refund(refund_id: int) -> None:
    from orders import tasks  # the tasks call services: imported when a refund is sent

    tasks.process_refund.delay(refund_id)


def refund_order(order: Order, *, reason: str, actor=None) -> Refund | None:
    """Refund the rest of what `order` was paid: each succeeded payment's allocation less what
    went back already (a line refund before a cancellation is not refunded twice). Inside the
    caller's transaction, holding the locks of the checkout's payments (`lock_payments`).
    Returns the refund of the payment that paid the order (None: nothing was left)."""
    main = None
    shares = [share for share in _payment_shares(order) if share.left > 0]
    payments = Payment.objects.in_bulk([share.payment_id for share in shares])
    for share in sorted(shares, key=lambda share: share.payment_id):
        refund = create_refund(
            order=order,
            payment=payments[share.payment_id],
            amount=share.left,
            reason=reason if share.sale else Refund.Reason.DUPLICATE_PAYMENT,
            actor=actor,
            cap=True,
        )
        if refund is not None and (main is None or share.sale):
            main = refund
    return main


# --- Open payments ------------------------------------------------------------------------------
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


# --- The provider's answer ----------------------------------------------------------------------
def close_refund(refund: Refund, *, succeeded: bool, provider_ref: str = "", failure: str = ""):
    """Record the provider's answer on a pending refund (inside the transaction that locked it);
    a success publishes `payment_refunded`, a failure gives its share back to what is left."""
    before = {"state": str(refund.state), "provider_ref": refund.provider_ref}
    refund.state = Refund.State.SUCCEEDED if succeeded else Refund.State.FAILED
    refund.completed_at = timezone.now()
    refund.failure_reason = failure[:300]
    if provider_ref:
        refund.provider_ref = provider_ref[:100]
    # One UPDATE of the row (attempts included): a second UPDATE of a row this transaction
    # already changed would re-check its foreign keys at COMMIT (FOR KEY SHARE on the order),
    # after the audit row's lock, which is the last lock every path takes.
    refund.save(
        update_fields=["state", "completed_at", "failure_reason", "provider_ref", "attempts"]
    )
    audit.record(
        "order.refund_succeeded" if succeeded else "order.refund_failed",
        obj=refund,
        shop_id=Order.objects.filter(pk=refund.order_id).values_list("shop_id", flat=True).first(),
        before=before,
        after={
            "state": str(refund.state),
            "provider_ref": refund.provider_ref,
            "amount": str(refund.amount),
            "failure": refund.failure_reason,
        },
    )
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
        locked = Refund.objects.select_for_update(no_key=True).get(pk=refund.pk)
        if locked.state != Refund.State.PENDING:
            return locked
        locked.attempts += 1
        if result.succeeded:
            close_refund(locked, succeeded=True, provider_ref=result.provider_ref)
        else:
            locked.provider_ref = result.provider_ref[:100]
            locked.failure_reason = result.failure_reason[:300]
            locked.save(update_fields=["attempts", "provider_ref", "failure_reason"])
        return locked
