"""Money leaving the platform for the shops (and coming back), and the shops' statements.

Transfers (Stripe's separate charges and transfers)
    create_transfer_for_order(order=, commission=)   # inside record_order_paid's transaction
    send_transfer(transfer_id)                       # Celery, after commit: Stripe, then ledger
    reverse_transfer_for_refund(refund=, amount=)    # inside record_refund's transaction
    send_reversal(reversal_id)                       # Celery, after commit
    cancel_transfer_for_order(order_id=)             # a paid order cancelled before its transfer
    release_held_transfers(shop=)                    # the shop connected its Stripe account
    send_waiting_transfers()                         # beat: held, failed, stuck ones

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

Every call to Stripe happens outside a database transaction, with an idempotency key derived
from our row (`transfer-<id>`, `reversal-<id>`), and its answer is recorded with a state
transition under a row lock, so a retried task or a second worker never sends money twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance import audit
from marketplace.core.errors import ConflictError
from marketplace.core.money import ZERO, as_decimal, quantize
from marketplace.core.states import transition
from orders.errors import ErrorCode, OrdersConflict, OrdersError
from orders.models import (
    LedgerEntry,
    Order,
    OrderCommission,
    OrderLine,
    Payment,
    PaymentAllocation,
    Payout,
    Refund,
    RefundLine,
    ShopTransfer,
    Statement,
    TransferReversal,
)
from orders.payments import get_provider

logger = logging.getLogger(__name__)

Kind = LedgerEntry.Kind
TState = ShopTransfer.State
RState = TransferReversal.State
MAX_ATTEMPTS = 5
STALE_SENDING = timedelta(minutes=10)


def _provider_with_transfers(name: str):
    try:
        provider = get_provider(name)
    except OrdersError:
        return None
    return provider if getattr(provider, "supports_transfers", False) else None


def _enqueue_refund(refund_id: int) -> None:
    from orders import tasks

    tasks.process_refund.delay(refund_id)


def _enqueue(task_name: str, object_id: int) -> None:
    from orders import finance_tasks

    transaction.on_commit(lambda: getattr(finance_tasks, task_name).delay(object_id))


# --- Transfers --------------------------------------------------------------------------------
def create_transfer_for_order(*, order: Order, commission: OrderCommission) -> ShopTransfer | None:
    """The order's transfer to its shop, when its payment went through a provider that pays shops
    by transfer (Stripe). Held when the shop has no connected account. Idempotent."""
    payment = Payment.objects.filter(pk=commission.payment_id).first()
    if payment is None or _provider_with_transfers(payment.provider) is None:
        return None
    transfer, created = ShopTransfer.objects.get_or_create(
        order=order,
        defaults={
            "shop_id": order.shop_id,
            "payment": payment,
            "amount": max(commission.net, ZERO),
            "currency": commission.currency,
            "transfer_group": str(order.checkout.token),
            "state": TState.PENDING if order.shop.stripe_account_id else TState.HELD,
            "failure_reason": ""
            if order.shop.stripe_account_id
            else _("The shop has not connected a Stripe account."),
        },
    )
    if created and transfer.state == TState.PENDING:
        _enqueue("send_transfer", transfer.pk)
    return transfer


def _deducted(transfer: ShopTransfer) -> Decimal:
    """Refunds taken off the transfer before it was sent."""
    return transfer.reversals.filter(state=RState.NOT_SENT).aggregate(
        total=Sum("amount", default=ZERO)
    )["total"]


def send_transfer(transfer_id: int, *, retry_stale: bool = False) -> ShopTransfer | None:
    """Send one transfer to Stripe (outside any transaction) and record it with its payout row.

    Only a transfer to send (pending, failed, or `retry_stale` and stuck in "sending") goes out.
    The order cancelled meanwhile: cancelled. No connected account: held.
    """
    now = timezone.now()
    with transaction.atomic():
        transfer = (
            ShopTransfer.objects.select_for_update(of=("self",))
            .select_related("order", "shop", "payment")
            .filter(pk=transfer_id)
            .first()
        )
        if transfer is None:
            return None
        stale = (
            retry_stale
            and transfer.state == TState.SENDING
            and transfer.updated_at < now - STALE_SENDING
        )
        if transfer.state not in (TState.PENDING, TState.FAILED) and not stale:
            return transfer
        if not stale:
            if transfer.order.state == Order.State.CANCELLED:
                transition(transfer, to=TState.CANCELLED, reason=_("The order was cancelled."))
                return transfer
            destination = transfer.shop.stripe_account_id
            if not destination:
                transition(
                    transfer,
                    to=TState.HELD,
                    reason=_("The shop has not connected a Stripe account."),
                    changes={"failure_reason": _("The shop has not connected a Stripe account.")},
                )
                return transfer
            amount = transfer.amount - _deducted(transfer)
            if amount <= 0:
                transition(transfer, to=TState.CANCELLED, reason=_("Nothing left to transfer."))
                return transfer
            transition(
                transfer,
                to=TState.SENDING,
                changes={
                    "amount_sent": amount,
                    "destination": destination,
                    "attempts": transfer.attempts + 1,
                    "failure_reason": "",
                },
            )
    provider = _provider_with_transfers(transfer.payment.provider)
    try:
        if provider is None:
            raise OrdersError(_("This payment provider does not pay shops by transfer."))
        from orders.payments.stripe import charge_of

        reference = provider.create_transfer(
            transfer_id=transfer.pk,
            amount=transfer.amount_sent,
            currency=transfer.currency,
            destination=transfer.destination,
            transfer_group=transfer.transfer_group,
            description=_("Order %(number)s") % {"number": transfer.order.number},
            metadata={"order": transfer.order.number, "transfer": str(transfer.pk)},
            source_transaction=charge_of(transfer.payment),
        )
    except Exception as error:  # Stripe refused or was unreachable: failed, retried by beat
        logger.warning("transfer %s failed: %s", transfer.pk, error)
        with transaction.atomic():
            try:
                transition(
                    transfer,
                    to=TState.FAILED,
                    reason=str(error)[:300],
                    changes={"failure_reason": str(error)[:300]},
                )
            except ConflictError:
                transfer.refresh_from_db()
        return transfer
    with transaction.atomic():
        try:
            transition(
                transfer,
                to=TState.SENT,
                changes={"provider_ref": reference[:100], "sent_at": timezone.now()},
            )
        except ConflictError:
            transfer.refresh_from_db()
            return transfer
        order = Order.objects.get(pk=transfer.order_id)
        _post_payout(
            transfer=transfer,
            amount=-transfer.amount_sent,
            source=f"transfer:{transfer.pk}",
            memo=_("Stripe transfer %(ref)s") % {"ref": reference},
            order=order,
        )
        # Refunds that came while it was being sent are taken back now.
        for reversal_id in transfer.reversals.filter(state=RState.PENDING).values_list(
            "pk", flat=True
        ):
            _enqueue("send_reversal", reversal_id)
    return transfer


def _post_payout(*, transfer, amount, source, memo, order):
    from orders.services.ledger import post, release_if_settled

    available_at = order.completed_at if order.state == Order.State.COMPLETED else None
    entry = post(
        shop_id=transfer.shop_id,
        kind=Kind.PAYOUT,
        amount=amount,
        currency=transfer.currency,
        source=source,
        order=order,
        transfer=transfer,
        memo=memo,
        available_at=available_at,
    )
    if order.state == Order.State.CANCELLED:
        release_if_settled(order)
    return entry


def cancel_transfer_for_order(*, order_id: int) -> ShopTransfer | None:
    with transaction.atomic():
        transfer = ShopTransfer.objects.select_for_update().filter(order_id=order_id).first()
        if transfer is None:
            return None
        if transfer.state in (TState.PENDING, TState.HELD, TState.FAILED):
            transition(transfer, to=TState.CANCELLED, reason=_("The order was cancelled."))
    return transfer


def release_held_transfers(*, shop) -> int:
    """The shop connected a Stripe account: send its held transfers."""
    if not shop.stripe_account_id:
        return 0
    released = 0
    with transaction.atomic():
        for transfer in ShopTransfer.objects.select_for_update().filter(
            shop=shop, state=TState.HELD
        ):
            transition(
                transfer,
                to=TState.PENDING,
                reason=_("Stripe account connected."),
                changes={"failure_reason": ""},
            )
            _enqueue("send_transfer", transfer.pk)
            released += 1
    return released


def send_waiting_transfers(*, limit: int = 200) -> int:
    """Beat: held transfers whose shop has an account now, failed ones (a few attempts), ones
    stuck in "sending" (a worker died: sent again with the same idempotency key), reversals."""
    now = timezone.now()
    waiting = (
        ShopTransfer.objects.filter(
            Q(state=TState.HELD) & ~Q(shop__stripe_account_id="")
            | Q(state=TState.FAILED, attempts__lt=MAX_ATTEMPTS)
            | Q(state=TState.PENDING)
            | Q(state=TState.SENDING, updated_at__lt=now - STALE_SENDING)
        )
        .order_by("pk")
        .values_list("pk", "state")[:limit]
    )
    count = 0
    for transfer_id, state in list(waiting):
        if state == TState.HELD:
            with transaction.atomic():
                transfer = ShopTransfer.objects.select_for_update().get(pk=transfer_id)
                if transfer.state == TState.HELD:
                    transition(transfer, to=TState.PENDING, reason=_("Stripe account connected."))
        send_transfer(transfer_id, retry_stale=True)
        count += 1
    for reversal_id in TransferReversal.objects.filter(
        Q(state=RState.PENDING) | Q(state=RState.FAILED, attempts__lt=MAX_ATTEMPTS)
    ).values_list("pk", flat=True)[:limit]:
        send_reversal(reversal_id)
        count += 1
    return count


# --- Reversals --------------------------------------------------------------------------------
def reverse_transfer_for_refund(*, refund: Refund, amount: Decimal) -> TransferReversal | None:
    """Take the shop's part of a refund back from the order's transfer (inside the refund's
    ledger transaction). Not sent yet: deducted from what will be sent."""
    if amount <= 0:
        return None
    transfer = ShopTransfer.objects.select_for_update().filter(order_id=refund.order_id).first()
    if transfer is None or transfer.state == TState.CANCELLED:
        return None
    if transfer.state == TState.SENT:
        taken = transfer.reversals.exclude(state=RState.NOT_SENT).aggregate(
            total=Sum("amount", default=ZERO)
        )["total"]
        amount = min(amount, (transfer.amount_sent or ZERO) - taken)
    else:
        amount = min(amount, transfer.amount - _deducted(transfer))
    if amount <= 0:
        return None
    sent = transfer.state in (TState.SENT, TState.SENDING)
    reversal, created = TransferReversal.objects.get_or_create(
        transfer=transfer,
        refund=refund,
        defaults={
            "shop_id": transfer.shop_id,
            "amount": amount,
            "state": RState.PENDING if sent else RState.NOT_SENT,
        },
    )
    if created and transfer.state == TState.SENT:
        _enqueue("send_reversal", reversal.pk)
    return reversal


def send_reversal(reversal_id: int) -> TransferReversal | None:
    """Send a pending reversal to Stripe (once its transfer is sent) and post it back."""
    with transaction.atomic():
        reversal = (
            TransferReversal.objects.select_for_update(of=("self",))
            .select_related("transfer", "transfer__payment")
            .filter(pk=reversal_id)
            .first()
        )
        if reversal is None or reversal.state not in (RState.PENDING, RState.FAILED):
            return reversal
        transfer = reversal.transfer
        if transfer.state in (TState.CANCELLED, TState.FAILED, TState.HELD, TState.PENDING):
            reversal.state = RState.NOT_SENT  # the money never left: only less is sent
            reversal.save(update_fields=["state"])
            return reversal
        if transfer.state != TState.SENT:
            return reversal  # still sending: the transfer's task comes back for it
        reversal.attempts += 1
        reversal.save(update_fields=["attempts"])
    provider = _provider_with_transfers(transfer.payment.provider)
    try:
        if provider is None:
            raise OrdersError(_("This payment provider does not pay shops by transfer."))
        reference = provider.reverse_transfer(
            reversal_id=reversal.pk,
            transfer_ref=transfer.provider_ref,
            amount=reversal.amount,
            currency=transfer.currency,
            metadata={"refund": str(reversal.refund_id), "transfer": str(transfer.pk)},
        )
    except Exception as error:
        logger.warning("reversal %s failed: %s", reversal.pk, error)
        TransferReversal.objects.filter(pk=reversal.pk, state=RState.PENDING).update(
            state=RState.FAILED, failure_reason=str(error)[:300]
        )
        reversal.refresh_from_db()
        return reversal
    with transaction.atomic():
        locked = TransferReversal.objects.select_for_update().get(pk=reversal.pk)
        if locked.state == RState.SENT:
            return locked
        locked.state = RState.SENT
        locked.provider_ref = reference[:100]
        locked.sent_at = timezone.now()
        locked.failure_reason = ""
        locked.save(update_fields=["state", "provider_ref", "sent_at", "failure_reason"])
        order = Order.objects.get(pk=transfer.order_id)
        _post_payout(
            transfer=transfer,
            amount=locked.amount,
            source=f"reversal:{locked.pk}",
            memo=_("Stripe transfer reversal %(ref)s") % {"ref": reference},
            order=order,
        )
    return locked


# --- Stripe Connect onboarding ------------------------------------------------------------------
def stripe_onboarding_available() -> bool:
    from orders.payments import stripe as stripe_provider

    return stripe_provider.configured()


def start_stripe_onboarding(*, shop, actor, return_url: str, refresh_url: str) -> str:
    """The URL of Stripe's hosted onboarding for the shop's connected account (created once)."""
    from orders.payments.stripe import StripeProvider, configured
    from shops.models import Shop

    if not configured():
        raise OrdersError(
            _("Payouts by Stripe are not available on this platform."),
            code=ErrorCode.PAYMENT_PROVIDER,
        )
    provider = StripeProvider()
    account = shop.stripe_account_id
    if not account:
        account = provider.create_connected_account(
            shop_id=shop.pk,
            email=getattr(actor, "email", "") or "",
            idempotency_key=f"shop-account-{shop.pk}",
        )
        with transaction.atomic():
            updated = Shop.objects.filter(pk=shop.pk, stripe_account_id="").update(
                stripe_account_id=account
            )
            if updated:
                audit.record(
                    "shop.stripe_account_created",
                    actor=actor,
                    obj=shop,
                    shop_id=shop.pk,
                    after={"stripe_account_id": account},
                )
        shop.refresh_from_db(fields=["stripe_account_id"])
        account = shop.stripe_account_id
    return provider.account_link(account=account, refresh_url=refresh_url, return_url=return_url)


def finish_stripe_onboarding(*, shop) -> bool:
    """Back from Stripe: is the account able to receive transfers? Then send the held ones."""
    from orders.payments.stripe import StripeProvider, configured

    if not configured() or not shop.stripe_account_id:
        return False
    if not StripeProvider().account_ready(shop.stripe_account_id):
        return False
    release_held_transfers(shop=shop)
    return True


# --- Refunds of single lines ------------------------------------------------------------------
def refund_lines(*, order: Order, lines: dict, actor=None, reason: str = "") -> Refund:
    """Refund `quantity` units of some lines of a paid order: exactly what those units paid (their
    share of the line total after discounts). The ledger gives back exactly their commission and
    the transfer reversal takes back exactly their net. The provider is called after commit."""
    from orders.services.ledger import NOT_A_SALE, line_refund_amount, units_refunded_before

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
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.paid_at is None:
            raise OrdersConflict(_("This order was not paid."), code=ErrorCode.NOT_PAYABLE)
        allocation = (
            PaymentAllocation.objects.select_related("payment")
            .filter(order=locked, payment__state=Payment.State.SUCCEEDED)
            .order_by("payment__succeeded_at")
            .first()
        )
        if allocation is None:
            raise OrdersConflict(_("This order has no payment to refund."), code="no_payment")
        by_id = {line.pk: line for line in OrderLine.objects.filter(order=locked, pk__in=wanted)}
        amounts: dict[int, Decimal] = {}
        for line_id, quantity in sorted(wanted.items()):
            line = by_id.get(line_id)
            if line is None:
                raise OrdersError(_("Unknown order line."), code=ErrorCode.INVALID)
            line.order = locked
            left = line.quantity - units_refunded_before(line.pk, None)
            if quantity > left:
                raise OrdersError(
                    _("Only %(left)d of %(sku)s can still be refunded.")
                    % {"left": left, "sku": line.sku_code},
                    code=ErrorCode.INVALID_QUANTITY,
                    field="quantity",
                )
            amounts[line_id] = line_refund_amount(line, quantity)
        total = sum(amounts.values(), ZERO)
        already = (
            Refund.objects.filter(order=locked)
            .exclude(state=Refund.State.FAILED)
            .exclude(reason__in=NOT_A_SALE)
            .aggregate(total=Sum("amount", default=ZERO))["total"]
        )
        if total <= 0 or already + total > allocation.amount:
            raise OrdersConflict(
                _("That is more than is left to refund on this order."), code="too_much"
            )
        refund = Refund.objects.create(
            payment=allocation.payment,
            order=locked,
            amount=total,
            currency=locked.currency,
            reason=Refund.Reason.AFTERSALES,
        )
        RefundLine.objects.bulk_create(
            RefundLine(
                shop_id=locked.shop_id,
                refund=refund,
                line_id=line_id,
                quantity=wanted[line_id],
                amount=amount,
            )
            for line_id, amount in amounts.items()
        )
        audit.record(
            "order.lines_refunded",
            actor=actor,
            obj=locked,
            shop_id=locked.shop_id,
            after={"refund": refund.pk, "amount": str(total), "lines": wanted},
            reason=reason,
        )
        refund_id = refund.pk
        transaction.on_commit(lambda: _enqueue_refund(refund_id))
    return refund


# --- Payouts (outside Stripe) -----------------------------------------------------------------
def record_payout(*, shop, amount, currency: str, reference: str, actor, note: str = "") -> Payout:
    """The platform paid the shop `amount` (e.g. by bank transfer, `reference`): a payout row and
    its ledger row. Refused above the available balance; the same reference twice is refused."""
    from orders.services.ledger import available_balance, post

    reference = " ".join((reference or "").split())[:100]
    if not reference:
        raise OrdersError(
            _("Enter the bank reference of the payout."), code=ErrorCode.INVALID, field="reference"
        )
    try:
        amount = quantize(as_decimal(amount), currency)
    except (TypeError, ValueError, ArithmeticError) as error:
        raise OrdersError(_("Enter an amount."), code=ErrorCode.INVALID, field="amount") from error
    if amount <= 0:
        raise OrdersError(_("A payout is more than zero."), code=ErrorCode.INVALID, field="amount")
    from shops.models import Shop

    try:
        with transaction.atomic():
            Shop.objects.select_for_update().filter(pk=shop.pk).first()  # one payout at a time
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
                after={"amount": str(amount), "currency": currency, "reference": reference},
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
    from orders.services.ledger import post

    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise OrdersError(_("Give a reason."), code=ErrorCode.REASON_REQUIRED, field="reason")
    with transaction.atomic():
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
            "shop.payout_returned", actor=actor, obj=payout, shop_id=payout.shop_id, reason=reason
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
