"""Payments: start one at the provider, pay again, apply the provider's events.

    start_payment(payment)                 # calls the provider OUTSIDE any transaction
    pay_again(order=..., buyer=...)        # a new payment for the checkout's unpaid orders
    receive_payment_event("offline", body, headers)   # verify (provider) + handle_payment_event
    handle_payment_event(event)            # the one place a payment's state changes
    check_payment(payment)                 # ask the provider (a lost webhook), then the same

Refunds and cancelled payments are in `orders.services.refunds`; a succeeded payment marks its
orders paid through `orders.services.lifecycle.mark_orders_paid` (this module sits above both).

`handle_payment_event` is idempotent: the event row is unique per (provider, event id), so a
replayed delivery is recognised and changes nothing; an event that comes late or out of order
(a failure after success, a success for a cancelled order) is recorded and resolved by the rules
below, never by trusting the newest message:

- unknown payment reference, or amount / currency / checkout not ours: recorded, nothing changes
  (a mismatch also flags the orders with a "payment problem" for people to look at);
- success: the payment succeeds; the orders still waiting are paid
  (`lifecycle.mark_orders_paid`); an order cancelled meanwhile, or already paid by another
  payment, gets its share refunded;
- failure: only a payment still waiting becomes failed (the buyer may pay again);
- a success never becomes a failure.

Locks, in the one order (docs/architecture.md, "Lock order"): the event's row, the payment, its
orders by primary key, then their stock (products, SKUs) at once. `handle_payment_event` and
`pay_again` run their transaction again when PostgreSQL aborted it for a deadlock or a
serialization failure (`marketplace.core.db.retry_on_deadlock`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.db import retry_on_deadlock
from marketplace.core.errors import ConflictError, DomainError
from marketplace.core.money import to_minor
from marketplace.core.states import transition, transition_many
from orders.errors import ErrorCode, OrdersConflict, OrdersError
from orders.models import Order, Payment, PaymentAllocation, PaymentEvent, Refund
from orders.payments import get_provider
from orders.payments.base import EventType, OrderPart, PaymentRequest, ProviderEvent
from orders.services.lifecycle import flag_problem, mark_orders_paid
from orders.services.refunds import cancel_open_payment, close_refund, create_refund

logger = logging.getLogger(__name__)

OPEN_STATES = (Payment.State.CREATED, Payment.State.PENDING, Payment.State.FAILED)
Outcome = PaymentEvent.Outcome
ASKABLE_STATES = (Payment.State.PENDING, Payment.State.FAILED)

# What asking found (besides the outcomes of `PaymentEvent.Outcome`).
NOT_ASKED = "not_asked"  # no provider reference, or the payment is no longer open
OPEN = "open"  # nothing final at the provider yet
UNREACHABLE = "unreachable"  # the provider could not be reached: ask again later
REFUSED = "refused"  # the provider would not answer (e.g. an unknown reference)


# --- Creating payments ----------------------------------------------------------------------------
def create_payment(*, checkout, orders, provider: str | None = None) -> Payment:
    """Our payment row for `orders` (of one checkout), inside the caller's transaction."""
    amount = sum((order.total for order in orders), Decimal("0"))
    payment = Payment.objects.create(
        checkout=checkout,
        buyer_id=checkout.buyer_id,
        provider=provider or get_provider().name,
        amount=amount,
        currency=checkout.currency,
    )
    PaymentAllocation.objects.bulk_create(
        PaymentAllocation(payment=payment, order=order, amount=order.total) for order in orders
    )
    return payment


def payment_request(payment: Payment, *, orders=None) -> PaymentRequest:
    """What the provider is asked for. `orders`: the payment's orders with their shop, when the
    caller has them (placement: the allocations are then not read again)."""
    if orders is not None:
        allocations = [
            PaymentAllocation(payment=payment, order=order, amount=order.total)
            for order in sorted(orders, key=lambda order: order.pk)
        ]
    else:
        allocations = list(
            payment.allocations.select_related("order", "order__shop").order_by("order_id")
        )
    checkout = payment.checkout
    return PaymentRequest(
        payment_id=payment.pk,
        checkout_token=str(checkout.token),
        amount=payment.amount,
        currency=payment.currency,
        buyer_id=payment.buyer_id,
        buyer_email=checkout.buyer.email,
        description=_("Marketplace orders %(numbers)s")
        % {"numbers": ", ".join(a.order.number for a in allocations)},
        parts=tuple(
            OrderPart(
                order_id=a.order_id,
                order_number=a.order.number,
                shop_id=a.order.shop_id,
                amount=a.amount,
                connected_account=a.order.shop.stripe_account_id or "",
            )
            for a in allocations
        ),
        return_url=reverse("checkout-done", args=[checkout.token]),
    )


def start_payment(payment: Payment, *, orders=None) -> Payment:
    """Ask the provider for the payment (outside any transaction), then record its answer.

    Safe to call again: only a payment still "created" is sent (with the provider's idempotency
    key). A provider failure leaves the payment "failed" with the reason; the buyer pays again.
    `orders`: all the payment's orders, with their shop, when the caller has them (placement).
    Recording the answer is one statement (`transition_many`: checked, written, its timeline row).
    """
    if payment.state != Payment.State.CREATED:
        return payment
    provider = get_provider(payment.provider)
    request = payment_request(payment, orders=orders)
    try:
        session = provider.create_payment(request)
    except (DomainError, OSError) as error:  # refused, or not reachable: never a 500 for the buyer
        logger.warning("payment %s: provider %s refused: %s", payment.pk, provider.name, error)
        try:
            transition_many(
                [payment],
                to=Payment.State.FAILED,
                reason=str(error)[:300],
                changes={"failure_reason": _("The payment service could not be reached.")},
            )
        except ConflictError:
            payment.refresh_from_db()
        return payment
    try:
        transition_many(
            [payment],
            to=Payment.State.PENDING,
            changes={
                "provider_ref": session.provider_ref,
                "client_data": session.client_data,
                "redirect_url": session.redirect_url,
            },
        )
    except ConflictError:  # cancelled meanwhile (its orders cancelled): cancel it there too
        provider.cancel_payment(provider_ref=session.provider_ref)
        payment.refresh_from_db()
    return payment


def open_payment(checkout) -> Payment | None:
    """The checkout's newest payment still waiting for the buyer, if any."""
    return (
        Payment.objects.filter(checkout=checkout, state__in=OPEN_STATES)
        .order_by("-created_at", "-pk")
        .first()
    )


def pay_again(*, order: Order, buyer) -> Payment:
    """A new payment for the unpaid orders of `order`'s checkout (the buyer left the provider's
    page, the card was declined, or the provider could not be reached)."""
    if order.buyer_id != buyer.pk:
        raise OrdersError(_("Order not found."), code=ErrorCode.NOT_FOUND)
    # The buyer may have paid already and its webhook be lost: ask before charging again (a
    # success pays the orders, and the new payment is then refused).
    for payment in Payment.objects.filter(
        checkout_id=order.checkout_id, state__in=ASKABLE_STATES, provider_ref__isnull=False
    ).order_by("pk"):
        check_payment(payment)
    return start_payment(_payment_to_pay_again(order))  # a reused, pending one is left as it is


@retry_on_deadlock
@transaction.atomic
def _payment_to_pay_again(order: Order) -> Payment:
    """The open payment that covers exactly the checkout's orders still payable, or a new one
    (the others are cancelled)."""
    open_payments = list(
        Payment.objects.select_for_update(no_key=True)
        .filter(checkout_id=order.checkout_id, state__in=OPEN_STATES)
        .order_by("pk")
    )
    waiting = list(
        Order.objects.select_for_update(no_key=True)
        .filter(checkout_id=order.checkout_id, state=Order.State.PENDING_PAYMENT)
        .order_by("pk")
    )
    if order.pk not in {o.pk for o in waiting}:
        order.refresh_from_db(fields=["state"])
        raise OrdersConflict(
            _("This order cannot be paid: it is %(state)s.")
            % {"state": order.get_state_display().lower()},
            code=ErrorCode.NOT_PAYABLE,
        )
    now = timezone.now()
    waiting = [o for o in waiting if o.payment_due_at > now]
    if not any(o.pk == order.pk for o in waiting):
        raise OrdersConflict(
            _("The time to pay for this order has run out."), code=ErrorCode.NOT_PAYABLE
        )
    wanted = {(o.pk, o.total) for o in waiting}
    for payment in reversed(open_payments):
        covered = set(payment.allocations.values_list("order_id", "amount"))
        if payment.state == Payment.State.PENDING and covered == wanted:
            return payment  # the buyer came back: the same payment is still open
    for payment in open_payments:
        cancel_open_payment(payment, reason=_("Replaced by a new payment."))
    return create_payment(checkout=order.checkout, orders=waiting)


# --- Events ---------------------------------------------------------------------------------------
def receive_payment_event(provider_name: str, body: bytes, headers: Mapping[str, str]):
    """A webhook-style delivery: the provider verifies it (or raises), then it is handled."""
    event = get_provider(provider_name).parse_event(body, headers)
    return handle_payment_event(event)


def _record(event: ProviderEvent) -> PaymentEvent:
    """The event's row, stored once per (provider, event id) and locked: a concurrent or replayed
    delivery of the same event waits here, then finds it processed. One query for a new event
    (the INSERT's own row lock holds it), two for a replay."""
    event_id = event.event_id[:100]
    record = PaymentEvent(
        provider=event.provider,
        event_id=event_id,
        type=event.raw_type[:60],
        payment_ref=event.payment_ref[:100],
        payload=event.payload,
        received_at=timezone.now(),
    )
    fields = ["provider", "event_id", "type", "payment_ref", "payload", "outcome", "note"]
    fields += ["received_at"]
    meta = PaymentEvent._meta
    columns = [meta.get_field(name).column for name in fields]
    values = [
        meta.get_field(name).get_db_prep_save(getattr(record, name), connection) for name in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {meta.db_table} ({', '.join(columns)}) "  # noqa: S608 - model names
            f"VALUES ({', '.join(['%s'] * len(values))}) "
            "ON CONFLICT (provider, event_id) DO NOTHING RETURNING id",
            values,
        )
        row = cursor.fetchone()
    if row is not None:  # new: this transaction inserted it, so the row is ours until commit
        record.pk = row[0]
        record._state.adding = False
        return record
    # Already stored (a replay), or stored by a concurrent delivery that has committed meanwhile.
    return PaymentEvent.objects.select_for_update(no_key=True).get(
        provider=event.provider, event_id=event_id
    )


def _finish(record: PaymentEvent, outcome: str, note: str = "", payment=None) -> PaymentEvent:
    record.outcome = outcome
    record.note = str(note)[:300]
    record.payment = payment
    record.processed_at = timezone.now()
    record.save(update_fields=["outcome", "note", "payment", "processed_at"])
    return record


def _mismatch(event: ProviderEvent, payment: Payment) -> str:
    if event.type not in (EventType.PAYMENT_SUCCEEDED, EventType.PAYMENT_FAILED):
        return ""
    if event.currency and event.currency.upper() != payment.currency.upper():
        return _("currency %(theirs)s, ours %(ours)s") % {
            "theirs": event.currency,
            "ours": payment.currency,
        }
    if event.amount is None or to_minor(event.amount, payment.currency) != to_minor(
        payment.amount, payment.currency
    ):
        return _("amount %(theirs)s, ours %(ours)s") % {
            "theirs": event.amount,
            "ours": payment.amount,
        }
    if event.checkout_token and event.checkout_token != str(payment.checkout.token):
        return _("another checkout")
    return ""


@retry_on_deadlock
def handle_payment_event(event: ProviderEvent) -> PaymentEvent:
    """Apply one verified provider event, once. Returns the recorded event with its outcome."""
    with transaction.atomic():
        record = _record(event)
        if record.processed_at is not None:
            return record  # a replay of an event we already handled
        payment = (
            Payment.objects.select_for_update(no_key=True, of=("self",))
            .select_related("checkout")
            .filter(provider=event.provider, provider_ref=event.payment_ref)
            .first()
            if event.payment_ref
            else None
        )
        if event.type in (EventType.REFUND_SUCCEEDED, EventType.REFUND_FAILED):
            return _apply_refund_event(record, event, payment)
        if payment is None:
            logger.warning(
                "payment event %s: unknown payment %s", event.event_id, event.payment_ref
            )
            return _finish(record, Outcome.UNKNOWN_PAYMENT, event.payment_ref)
        problem = _mismatch(event, payment)
        if problem:
            logger.warning("payment event %s does not match payment %s", event.event_id, payment.pk)
            _flag_payment_problem(payment, problem)
            return _finish(record, Outcome.MISMATCH, problem, payment)
        if event.type == EventType.PAYMENT_SUCCEEDED:
            return _apply_success(record, payment)
        if event.type == EventType.PAYMENT_FAILED:
            if payment.state not in (Payment.State.CREATED, Payment.State.PENDING):
                return _finish(record, Outcome.IGNORED, payment.state, payment)
            transition(
                payment,
                to=Payment.State.FAILED,
                reason=event.failure_reason,
                changes={"failure_reason": event.failure_reason or _("The payment was declined.")},
            )
            return _finish(record, Outcome.APPLIED, "failed", payment)
        if event.type == EventType.PAYMENT_CANCELLED:
            if payment.state not in OPEN_STATES:
                return _finish(record, Outcome.IGNORED, payment.state, payment)
            transition(payment, to=Payment.State.CANCELLED, reason=_("Cancelled at the provider."))
            return _finish(record, Outcome.APPLIED, "cancelled", payment)
        return _finish(record, Outcome.IGNORED, event.raw_type, payment)


def _apply_success(record: PaymentEvent, payment: Payment) -> PaymentEvent:
    if payment.state == Payment.State.SUCCEEDED:
        return _finish(record, Outcome.IGNORED, "already succeeded", payment)
    now = timezone.now()
    transition_many(  # one statement (the payment is locked already)
        [payment],
        to=Payment.State.SUCCEEDED,
        reason=_("The provider confirmed the payment."),
        changes={"succeeded_at": now, "failure_reason": ""},
    )
    # The payment's orders, locked by primary key with their allocation (one query).
    allocations = PaymentAllocation.objects.filter(payment=payment)
    orders = list(
        Order.objects.select_for_update(no_key=True, of=("self",))  # never the shop's row
        .filter(pk__in=allocations.values("order_id"))
        .annotate(allocated=Subquery(allocations.filter(order=OuterRef("pk")).values("amount")[:1]))
        .select_related("shop")
        .order_by("pk")
    )
    waiting = [order for order in orders if order.state == Order.State.PENDING_PAYMENT]
    mark_orders_paid(waiting, payment=payment, now=now)  # their stock at once, in lock order
    paid = [order.number for order in waiting]
    refunded = []
    for order in orders:
        if order.number in paid:
            continue
        reason = (
            Refund.Reason.LATE_PAYMENT
            if order.state == Order.State.CANCELLED
            else Refund.Reason.DUPLICATE_PAYMENT
        )
        create_refund(order=order, payment=payment, amount=order.allocated, reason=reason, cap=True)
        refunded.append(order.number)
    note = _("paid: %(paid)s; refunded: %(refunded)s") % {
        "paid": ", ".join(paid) or "—",
        "refunded": ", ".join(refunded) or "—",
    }
    return _finish(record, Outcome.APPLIED, note, payment)


def _flag_payment_problem(payment: Payment, problem: str) -> None:
    for order in Order.objects.filter(pk__in=payment.allocations.values("order_id")):
        if order.state in Order.OPEN_STATES and not order.exception:
            flag_problem(
                order,
                kind=Order.Problem.PAYMENT_PROBLEM,
                note=_("A payment event did not match: %(problem)s") % {"problem": problem},
            )


def _apply_refund_event(record, event: ProviderEvent, payment) -> PaymentEvent:
    refund = (
        Refund.objects.select_for_update().filter(provider_ref=event.refund_ref).first()
        if event.refund_ref
        else None
    )
    if refund is None or refund.state != Refund.State.PENDING:
        return _finish(record, Outcome.IGNORED, event.refund_ref, payment)
    succeeded = event.type == EventType.REFUND_SUCCEEDED
    close_refund(refund, succeeded=succeeded, failure=event.failure_reason)
    return _finish(record, Outcome.APPLIED, refund.state, payment)


# --- Asking the provider (a webhook may be lost) --------------------------------------------------
@dataclass(frozen=True)
class Check:
    payment_id: int
    outcome: str  # a PaymentEvent.Outcome, or NOT_ASKED, OPEN, UNREACHABLE, REFUSED
    record: PaymentEvent | None = None


def check_payment(payment: Payment) -> Check:
    """Ask the provider for `payment`'s state (`retrieve_event`: Stripe retrieves the intent, the
    offline provider reads its own record) and apply the answer as the webhook would, through
    `handle_payment_event`: a success whose webhook was lost is applied once, and the webhook
    arriving later changes nothing. For the payment repair job, the unpaid timeout, pay again
    and Stripe's return page. Outside any transaction; never raises for the provider's sake."""
    if payment.state not in ASKABLE_STATES or not payment.provider_ref:
        return Check(payment.pk, NOT_ASKED)
    try:
        event = get_provider(payment.provider).retrieve_event(payment.provider_ref)
    except OSError as error:  # not reachable (Stripe's ConnectionError, a timeout)
        logger.warning(
            "payment %s: %s could not be asked (%s); asked again later",
            payment.pk,
            payment.provider,
            error,
        )
        return Check(payment.pk, UNREACHABLE)
    except DomainError as error:
        logger.warning("payment %s: %s refused to answer: %s", payment.pk, payment.provider, error)
        return Check(payment.pk, REFUSED)
    if event is None:
        return Check(payment.pk, OPEN)
    record = handle_payment_event(event)
    if record.outcome == PaymentEvent.Outcome.APPLIED:
        logger.info("payment %s: %s said %s (applied)", payment.pk, payment.provider, event.type)
    return Check(payment.pk, record.outcome, record)
