"""Paying shops through Stripe: SEPARATE CHARGES AND TRANSFERS, and Connect onboarding.

    create_transfer_for_order(order=, commission=)   # inside record_order_paid's transaction
    send_transfer(transfer_id)                       # Celery, after commit: Stripe, then ledger
    reverse_transfer_for_refund(refund=, amount=)    # inside record_refund's transaction
    send_reversal(reversal_id)                       # Celery, after commit
    cancel_transfer_for_order(order_id=)             # a paid order cancelled before its transfer
    release_held_transfers(shop=)                    # the shop connected its Stripe account
    send_waiting_transfers()                         # beat: held, failed, stuck ones
    start_stripe_onboarding(shop=, actor=, ...)      # Stripe's hosted onboarding link
    finish_stripe_onboarding(shop=)                  # back from Stripe: ready? send held ones

After a Stripe payment succeeded, each shop order gets one transfer of its net (sale − commission
+ platform-funded discount) to the shop's connected account, in the checkout's transfer group. A
shop without a connected account has its transfer *held* (shown on its finance page and in the
reconciliation report), never lost. Every call to Stripe happens outside a database transaction,
with an idempotency key derived from our row (`transfer-<id>`, `reversal-<id>`), and its answer
is recorded with a state transition under a row lock, so a retried task or a second worker never
sends money twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance import audit
from marketplace.core.errors import ConflictError
from marketplace.core.money import ZERO
from marketplace.core.states import transition
from orders.errors import ErrorCode, OrdersError
from orders.models import (
    LedgerEntry,
    Order,
    OrderCommission,
    Payment,
    Refund,
    ShopTransfer,
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


def _enqueue(task_name: str, object_id: int) -> None:
    from orders.finance import tasks

    transaction.on_commit(lambda: getattr(tasks, task_name).delay(object_id))


def _audit(action: str, obj, *, before: dict, actor=None, reason: str = "", **after) -> None:
    """The audit row of a transfer's or reversal's money movement, in its transaction."""
    state = {"state": str(obj.state), "amount": str(obj.amount)}
    audit.record(
        f"shop.{action}",
        actor=actor,
        obj=obj,
        shop_id=obj.shop_id,
        before=before,
        after={**state, **{key: str(value) for key, value in after.items()}},
        reason=str(reason or ""),
    )


def _move(transfer: ShopTransfer, *, to: str, action: str, reason="", changes=None, actor=None):
    """`transition()` of a transfer plus its audit row (`shop.transfer_<action>`)."""
    before = {"state": str(transfer.state)}
    transition(transfer, to=to, actor=actor, reason=reason, changes=changes)
    extra = {"amount_sent": transfer.amount_sent} if to == TState.SENT else {}
    if transfer.provider_ref:
        extra["provider_ref"] = transfer.provider_ref
    _audit(f"transfer_{action}", transfer, before=before, actor=actor, reason=reason, **extra)


# --- Transfers --------------------------------------------------------------------------------
def create_transfers_for_orders(pairs: list[tuple[Order, OrderCommission]]) -> None:
    """`create_transfer_for_order` of several (order, commission): the payments are read once,
    and nothing more is asked when none of them went through a provider with transfers (the
    common case of the offline provider; one query)."""
    payment_ids = {commission.payment_id for _order, commission in pairs if commission.payment_id}
    payments = {payment.pk: payment for payment in Payment.objects.filter(pk__in=payment_ids)}
    for order, commission in pairs:
        payment = payments.get(commission.payment_id)
        if payment is not None and _provider_with_transfers(payment.provider) is not None:
            create_transfer_for_order(order=order, commission=commission, payment=payment)


def create_transfer_for_order(
    *, order: Order, commission: OrderCommission, payment: Payment | None = None
) -> ShopTransfer | None:
    """The order's transfer to its shop, when its payment went through a provider that pays shops
    by transfer (Stripe). Held when the shop has no connected account. Idempotent."""
    if payment is None or payment.pk != commission.payment_id:
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
    if created:
        _audit(
            "transfer_created",
            transfer,
            before={"state": None},
            order=order.number,
            payment=payment.pk,
            destination=order.shop.stripe_account_id or "",
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
                _move(
                    transfer,
                    to=TState.CANCELLED,
                    action="cancelled",
                    reason=_("The order was cancelled."),
                )
                return transfer
            destination = transfer.shop.stripe_account_id
            if not destination:
                _move(
                    transfer,
                    to=TState.HELD,
                    action="held",
                    reason=_("The shop has not connected a Stripe account."),
                    changes={"failure_reason": _("The shop has not connected a Stripe account.")},
                )
                return transfer
            amount = transfer.amount - _deducted(transfer)
            if amount <= 0:
                _move(
                    transfer,
                    to=TState.CANCELLED,
                    action="cancelled",
                    reason=_("Nothing left to transfer."),
                )
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
                _move(
                    transfer,
                    to=TState.FAILED,
                    action="failed",
                    reason=str(error)[:300],
                    changes={"failure_reason": str(error)[:300]},
                )
            except ConflictError:
                transfer.refresh_from_db()
        return transfer
    with transaction.atomic():
        try:
            _move(
                transfer,
                to=TState.SENT,
                action="sent",
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
    from orders.finance.services.ledger import post, release_if_settled

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
            _move(
                transfer,
                to=TState.CANCELLED,
                action="cancelled",
                reason=_("The order was cancelled."),
            )
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
            _move(
                transfer,
                to=TState.PENDING,
                action="released",
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
                    _move(
                        transfer,
                        to=TState.PENDING,
                        action="released",
                        reason=_("Stripe account connected."),
                    )
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
    if created:
        _audit(
            "transfer_reversal_created",
            reversal,
            before={"state": None},
            refund=refund.pk,
            transfer=transfer.pk,
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
            before = {"state": str(reversal.state)}
            reversal.state = RState.NOT_SENT  # the money never left: only less is sent
            reversal.save(update_fields=["state"])
            _audit("transfer_reversal_deducted", reversal, before=before)
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
        with transaction.atomic():
            failed = TransferReversal.objects.filter(pk=reversal.pk, state=RState.PENDING).update(
                state=RState.FAILED, failure_reason=str(error)[:300]
            )
            reversal.refresh_from_db()
            if failed:
                _audit(
                    "transfer_reversal_failed",
                    reversal,
                    before={"state": str(RState.PENDING)},
                    reason=str(error)[:300],
                )
        return reversal
    with transaction.atomic():
        locked = TransferReversal.objects.select_for_update().get(pk=reversal.pk)
        if locked.state == RState.SENT:
            return locked
        before = {"state": str(locked.state)}
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
        _audit("transfer_reversal_sent", locked, before=before, provider_ref=locked.provider_ref)
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
