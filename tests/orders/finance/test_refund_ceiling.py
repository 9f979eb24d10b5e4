"""Refunds never exceed what was paid: one service (`orders.services.refunds`) says what is still
refundable per line and per payment, every refund path goes through it, and PostgreSQL refuses
more (a per-payment and per-allocation refunded total kept by a trigger, CHECK refunded <= paid).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum

from orders import services
from orders.errors import OrdersError
from orders.finance.services import settlement
from orders.finance.services.reconciliation import reconcile
from orders.models import LedgerEntry, Order, OrderLine, Payment, PaymentAllocation, Refund
from orders.services import refunds
from tests.factories.orders import live_sku, order_category, pay, place, signed_event

pytestmark = pytest.mark.django_db


def refunded(**filters) -> Decimal:
    """Money going back (pending or succeeded refunds) for the rows matching `filters`."""
    return (
        Refund.objects.filter(**filters)
        .exclude(state=Refund.State.FAILED)
        .aggregate(total=Sum("amount", default=Decimal("0.00")))["total"]
    )


@pytest.fixture
def paid(buyer, shop, run_on_commit):
    """A paid order of shop A: 3 cups of tea at 33.33 and a pot at 120.00, plus shipping."""
    tea = live_sku(shop, price="33.33", category=order_category(commission_rate="7.00"))
    pot = live_sku(shop, price="120.00", category=order_category(commission_rate="5.00"))
    placement = place(buyer, (tea, 3), (pot, 1))
    with run_on_commit():
        pay(placement.payment)
    order = Order.objects.get(pk=placement.orders[0].pk)
    return (
        order,
        OrderLine.objects.get(order=order, sku=tea),
        OrderLine.objects.get(order=order, sku=pot),
    )


# --- The reproduction -------------------------------------------------------------------------
def test_a_partial_line_refund_then_cancelling_refunds_only_the_rest(
    paid, buyer, shop, run_on_commit
):
    order, tea, _pot = paid
    payment = Payment.objects.get(allocations__order=order)
    with run_on_commit():
        partial = settlement.refund_lines(order=order, lines={tea.pk: 1}, actor=shop.owner)

    with run_on_commit():
        services.cancel_order(order, by=Order.CancelledBy.BUYER, actor=buyer)

    assert refunded(payment=payment) == payment.amount == order.total  # never more
    assert Refund.objects.filter(order=order, state=Refund.State.SUCCEEDED).count() == 2
    rest = Refund.objects.get(order=order, reason=Refund.Reason.ORDER_CANCELLED)
    assert rest.amount == order.total - partial.amount
    # The ledger nets to zero and the reconciliation finds nothing.
    assert LedgerEntry.objects.filter(order=order).aggregate(t=Sum("amount"))["t"] == 0
    assert reconcile().ok, reconcile().differences
    payment.refresh_from_db()
    assert payment.refunded == payment.amount
    assert PaymentAllocation.objects.get(order=order).refunded == order.total


def test_nothing_is_refundable_after_a_cancellation(paid, buyer, run_on_commit):
    order, tea, _pot = paid
    with run_on_commit():
        services.cancel_order(order, by=Order.CancelledBy.BUYER, actor=buyer)

    with pytest.raises(OrdersError):
        settlement.refund_lines(order=order, lines={tea.pk: 1})

    assert refunds.refundable(order).left == 0
    assert Refund.objects.filter(order=order).count() == 1


def test_a_cancellation_after_a_duplicate_payment_refunds_each_payment_once(
    buyer, cup, run_on_commit
):
    placement = place(buyer, (cup, 1))
    pay(placement.payment, outcome="failed")
    second = services.pay_again(order=placement.orders[0], buyer=buyer)
    body, headers = signed_event(Payment.objects.get(pk=placement.payment.pk))
    services.receive_payment_event("offline", body, headers)  # the first intent charged after all
    with run_on_commit():
        pay(second)  # paid twice: the second is refunded as a duplicate
    order = Order.objects.get(pk=placement.orders[0].pk)

    with run_on_commit():
        services.cancel_order(order, by=Order.CancelledBy.BUYER, actor=buyer)

    for payment in Payment.objects.filter(checkout=placement.checkout):
        assert refunded(payment=payment) == payment.amount, payment
    assert refunded(order=order) == 2 * order.total


# --- The service --------------------------------------------------------------------------------
def test_refundable_says_what_is_left_per_line_and_per_payment(paid, run_on_commit):
    order, tea, pot = paid
    before = refunds.refundable(order)
    assert before.captured == before.left == order.total and before.refunded == 0
    assert before.line(tea.pk).units_left == 3 and before.line(tea.pk).left == tea.line_total

    with run_on_commit():
        partial = settlement.refund_lines(order=order, lines={tea.pk: 2})

    after = refunds.refundable(order)
    assert after.refunded == partial.amount and after.left == order.total - partial.amount
    assert after.line(tea.pk).units_left == 1
    assert after.line(tea.pk).left == tea.line_total - partial.amount
    assert after.line(pot.pk).left == pot.line_total
    [share] = after.payments
    assert (share.captured, share.refunded, share.left) == (
        order.total,
        partial.amount,
        order.total - partial.amount,
    )


def test_a_refund_above_what_is_left_is_refused_and_writes_nothing(paid):
    order, _tea, _pot = paid
    with pytest.raises(OrdersError) as error:
        refunds.create_refund(
            order=order, amount=order.total + Decimal("0.01"), reason=Refund.Reason.AFTERSALES
        )
    assert error.value.code == "too_much"
    assert not Refund.objects.exists()

    capped = refunds.create_refund(
        order=order,
        amount=order.total + Decimal("50.00"),
        reason=Refund.Reason.AFTERSALES,
        cap=True,
    )
    assert capped.amount == order.total


@pytest.mark.parametrize("amount", ["0", "-1.00", "abc", None])
def test_a_refund_of_a_bad_amount_is_refused_on_the_amount_field(paid, amount):
    order, _tea, _pot = paid
    with pytest.raises(OrdersError) as error:
        refunds.create_refund(order=order, amount=amount, reason=Refund.Reason.AFTERSALES)
    assert error.value.field == "amount"
    assert not Refund.objects.exists()


# --- The database refuses more ------------------------------------------------------------------
def test_the_database_refuses_refunds_above_what_the_payment_paid(paid):
    order, _tea, _pot = paid
    payment = Payment.objects.get(allocations__order=order)
    Refund.objects.create(
        payment=payment, order=order, amount=order.total, reason=Refund.Reason.AFTERSALES
    )

    with pytest.raises(IntegrityError), transaction.atomic():  # written around the service
        Refund.objects.create(
            payment=payment, order=order, amount=Decimal("0.01"), reason=Refund.Reason.AFTERSALES
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # nor can the total be edited
        Payment.objects.filter(pk=payment.pk).update(refunded=Decimal("0.00"))
        Refund.objects.create(
            payment=payment, order=order, amount=Decimal("0.01"), reason=Refund.Reason.AFTERSALES
        )

    # A failed refund gives its share back: it may be tried again.
    Refund.objects.filter(order=order).update(state=Refund.State.FAILED)
    Refund.objects.create(
        payment=payment, order=order, amount=order.total, reason=Refund.Reason.AFTERSALES
    )
    payment.refresh_from_db()
    assert payment.refunded == payment.amount


def test_an_order_object_read_before_payment_is_still_refunded_as_a_cancellation(
    buyer, cup, run_on_commit
):
    placement = place(buyer, (cup, 2))
    stale = placement.orders[0]  # read while it waited for payment
    with run_on_commit():
        pay(placement.payment)

    with run_on_commit():
        services.cancel_order(stale, by=Order.CancelledBy.BUYER, actor=buyer)

    refund = Refund.objects.get(order=stale)
    assert refund.reason == Refund.Reason.ORDER_CANCELLED
    assert LedgerEntry.objects.filter(order=stale).aggregate(t=Sum("amount"))["t"] == 0
