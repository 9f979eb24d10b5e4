"""Every money movement writes its audit row in the service that makes it, whoever calls it: each
refund path (line refund, cancellation by buyer, seller or platform, late and duplicate payments)
and the refund's result, transfers (made, held, released, sent), transfer reversals, payouts and
ledger adjustments. One row each, saying who, when, before and after."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from compliance.models import AuditLog
from orders import services
from orders.finance.services import ledger, settlement, transfers
from orders.models import Order, Payment, Payout, Refund, ShopTransfer, TransferReversal
from tests.factories.accounts import UserFactory
from tests.factories.orders import pay, place, signed_event
from tests.orders.finance.test_stripe import connect, succeeded_body

pytestmark = pytest.mark.django_db


def the_row(action: str, obj, *, actor=None) -> AuditLog:
    """The one audit row of `action` about `obj`, with who, when, before and after."""
    rows = list(
        AuditLog.objects.filter(
            action=action,
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=str(obj.pk),
        )
    )
    assert len(rows) == 1, (action, obj, rows)
    [row] = rows
    assert row.actor_repr == (actor.email if actor is not None else "system")
    assert row.actor_id == (actor.pk if actor is not None else None)
    assert row.created_at is not None
    assert isinstance(row.before, dict) and isinstance(row.after, dict), (row.before, row.after)
    assert row.shop_id is not None
    return row


def assert_refund_audited(refund: Refund, *, actor=None):
    created = the_row("order.refund_created", refund, actor=actor)
    assert created.after["amount"] == str(refund.amount)
    assert created.after["reason"] == refund.reason
    assert Decimal(created.after["refunded"]) == Decimal(created.before["refunded"]) + refund.amount
    assert created.shop_id == refund.order.shop_id
    closed = the_row("order.refund_succeeded", refund)
    assert (closed.before["state"], closed.after["state"]) == ("pending", "succeeded")


def paid(buyer, *items, run_on_commit):
    placement = place(buyer, *items)
    with run_on_commit():
        pay(placement.payment)
    return Order.objects.get(pk=placement.orders[0].pk)


# --- Every refund path --------------------------------------------------------------------------
def test_a_line_refund_is_audited_with_its_actor(buyer, cup, shop, run_on_commit):
    order = paid(buyer, (cup, 2), run_on_commit=run_on_commit)
    with run_on_commit():
        refund = settlement.refund_lines(
            order=order, lines={order.lines.get().pk: 1}, actor=shop.owner
        )

    assert_refund_audited(refund, actor=shop.owner)
    row = the_row("order.refund_created", refund, actor=shop.owner)
    assert row.after["lines"] == {str(order.lines.get().pk): 1}


@pytest.mark.parametrize("by", ["buyer", "seller", "platform"])
def test_cancelling_a_paid_order_audits_its_refund(by, buyer, cup, shop, run_on_commit):
    order = paid(buyer, (cup, 1), run_on_commit=run_on_commit)
    actor = {"buyer": buyer, "seller": shop.owner, "platform": UserFactory(is_staff=True)}[by]

    with run_on_commit():
        services.cancel_order(
            order, by=by, actor=actor, shop=shop if by == "seller" else None, reason="No stock"
        )

    assert_refund_audited(Refund.objects.get(order=order), actor=actor)


def test_a_late_payment_refund_is_audited(buyer, cup, run_on_commit):
    placement = place(buyer, (cup, 1))
    order = placement.orders[0]
    body, headers = signed_event(placement.payment)
    services.cancel_order(order, by="buyer", actor=buyer)

    with run_on_commit():
        services.receive_payment_event("offline", body, headers)

    refund = Refund.objects.get(order=order)
    assert refund.reason == Refund.Reason.LATE_PAYMENT
    assert_refund_audited(refund)


def test_a_duplicate_payment_refund_is_audited(buyer, cup, run_on_commit):
    placement = place(buyer, (cup, 1))
    pay(placement.payment, outcome="failed")
    second = services.pay_again(order=placement.orders[0], buyer=buyer)
    body, headers = signed_event(Payment.objects.get(pk=placement.payment.pk))
    services.receive_payment_event("offline", body, headers)
    with run_on_commit():
        pay(second)

    refund = Refund.objects.get(payment=second)
    assert refund.reason == Refund.Reason.DUPLICATE_PAYMENT
    assert_refund_audited(refund)


def test_a_refund_the_provider_refuses_is_audited_as_failed(buyer, cup, shop, run_on_commit):
    from orders.services import refunds

    order = paid(buyer, (cup, 1), run_on_commit=run_on_commit)
    refund = refunds.create_refund(
        order=order, amount="10.00", reason=Refund.Reason.AFTERSALES, actor=shop.owner
    )
    refunds.close_refund(refund, succeeded=False, failure="card closed")

    row = the_row("order.refund_failed", refund)
    assert (row.before["state"], row.after["state"]) == ("pending", "failed")
    assert row.after["failure"] == "card closed"


# --- Transfers, reversals, payouts, adjustments -------------------------------------------------
def test_transfers_and_reversals_are_audited(
    stripe_standin, deliver, run_on_commit, buyer, cup, shop
):
    placement = place(buyer, (cup, 3))  # shop A has no Stripe account yet: its transfer is held
    payment = Payment.objects.get(pk=placement.payment.pk)
    with run_on_commit():
        deliver(succeeded_body(stripe_standin, payment))
    transfer = ShopTransfer.objects.get()
    made = the_row("shop.transfer_created", transfer)
    assert made.after["state"] == "held" and made.after["amount"] == str(transfer.amount)

    connect(shop, stripe_standin)
    with run_on_commit():
        transfers.release_held_transfers(shop=shop)
    transfer.refresh_from_db()
    assert transfer.state == ShopTransfer.State.SENT
    released = the_row("shop.transfer_released", transfer)
    assert (released.before["state"], released.after["state"]) == ("held", "pending")
    sent = the_row("shop.transfer_sent", transfer)
    assert sent.after["amount_sent"] == str(transfer.amount_sent)

    order = Order.objects.get(pk=placement.orders[0].pk)
    with run_on_commit():
        settlement.refund_lines(order=order, lines={order.lines.get().pk: 1}, actor=shop.owner)
    reversal = TransferReversal.objects.get()
    assert reversal.state == TransferReversal.State.SENT
    created = the_row("shop.transfer_reversal_created", reversal)
    assert created.after["amount"] == str(reversal.amount)
    reversed_row = the_row("shop.transfer_reversal_sent", reversal)
    assert reversed_row.after["state"] == "sent"


def test_a_transfer_cancelled_with_its_order_is_audited(
    stripe_standin, deliver, run_on_commit, buyer, cup, shop
):
    placement = place(buyer, (cup, 1))  # held: no account
    with run_on_commit():
        deliver(succeeded_body(stripe_standin, Payment.objects.get(pk=placement.payment.pk)))
    order = Order.objects.get(pk=placement.orders[0].pk)

    with run_on_commit():
        services.cancel_order(order, by="buyer", actor=buyer)

    row = the_row("shop.transfer_cancelled", ShopTransfer.objects.get())
    assert (row.before["state"], row.after["state"]) == ("held", "cancelled")


def test_payouts_and_adjustments_are_audited(shop):
    staff = UserFactory(is_staff=True)
    entry = ledger.record_adjustment(
        shop=shop, amount="50.00", currency="CNY", memo="goodwill", actor=staff, reference="T-1"
    )
    row = the_row("shop.ledger_adjusted", entry, actor=staff)
    assert row.after["amount"] == "50.00" and row.before["available"] == "0.00"
    assert row.after["available"] == "50.00"

    payout = settlement.record_payout(
        shop=shop, amount="20.00", currency="CNY", reference="BANK-9", actor=staff
    )
    row = the_row("shop.payout_recorded", payout, actor=staff)
    assert (row.before["available"], row.after["available"]) == ("50.00", "30.00")

    settlement.return_payout(payout=payout, actor=staff, reason="Account closed")
    row = the_row("shop.payout_returned", payout, actor=staff)
    assert (row.before["state"], row.after["state"]) == ("paid", "returned")
    assert Payout.objects.get().state == Payout.State.RETURNED
