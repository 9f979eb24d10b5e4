"""The shops' ledger: posted from the order events, append-only, balances in SQL, commission frozen
at payment (category rate, shop type floor, a minimum), totals that reconcile to the cent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.core.money import allocate
from orders.errors import OrdersError
from orders.finance import commission
from orders.finance.services import ledger, settlement
from orders.models import (
    LedgerEntry,
    Order,
    OrderCommission,
    OrderLine,
    Payment,
    Payout,
    Refund,
)
from orders.services.lifecycle import (
    cancel_order,
    complete_order,
    mark_delivered,
    record_shipment,
)
from tests.factories.orders import live_sku, order_category, pay, place

pytestmark = pytest.mark.django_db
Kind = LedgerEntry.Kind


def rows(order, kind=None):
    queryset = LedgerEntry.objects.filter(order=order)
    return queryset.filter(kind=kind) if kind else queryset


def total(queryset) -> Decimal:
    return sum((row.amount for row in queryset), Decimal("0.00"))


def complete(order, shop):
    """Ship, deliver and complete `order` of `shop` (the return window has ended)."""
    record_shipment(order, shop=shop, actor=shop.owner)
    mark_delivered(order)
    Order.objects.filter(pk=order.pk).update(complete_after=timezone.now() - timedelta(minutes=1))
    complete_order(order)


# --- Posting on payment -------------------------------------------------------------------------
def test_a_two_shop_checkout_reconciles_to_the_cent(buyer, cup, bowl, run_on_commit):
    placement = place(buyer, (cup, 3), (bowl, 2))
    with run_on_commit():
        pay(placement.payment)

    payment = Payment.objects.get(pk=placement.payment.pk)
    orders = list(Order.objects.filter(checkout=placement.checkout))
    sales = LedgerEntry.objects.filter(kind=Kind.SALE)
    assert len(orders) == 2 and sales.count() == 2
    assert payment.amount == sum(o.total for o in orders) == total(sales)
    for order in orders:
        commission = OrderCommission.objects.get(order=order)
        sale = total(rows(order, Kind.SALE))
        fee = -total(rows(order, Kind.COMMISSION))
        assert sale == order.total
        assert fee == commission.amount
        assert fee + commission.net == sale  # commission + net == sale
        assert sum(Decimal(line["commission"]) for line in commission.lines) == fee
        assert all(row.available_at is None for row in rows(order))  # pending until completed


def test_commission_is_the_category_rate_on_the_goods_not_the_shipping(buyer, shop, run_on_commit):
    sku = live_sku(shop, price="100.00", category=order_category(commission_rate="8.00"))
    placement = place(buyer, (sku, 2))
    with run_on_commit():
        pay(placement.payment)

    order = Order.objects.get(pk=placement.orders[0].pk)
    commission = OrderCommission.objects.get(order=order)
    assert commission.goods_value == Decimal("200.00")
    assert commission.amount == Decimal("16.00")  # 8 % of the goods, shipping left out
    assert commission.net == order.total - Decimal("16.00")
    assert commission.lines[0]["rate"] == "8.00"


def test_the_shop_types_rate_is_a_floor(buyer, shop, run_on_commit):
    shop.commission_rate = Decimal("6.00")  # from its type's terms when it opened
    shop.save(update_fields=["commission_rate"])
    sku = live_sku(shop, price="100.00", category=order_category(commission_rate="2.00"))
    placement = place(buyer, (sku, 1))
    with run_on_commit():
        pay(placement.payment)

    commission = OrderCommission.objects.get(order_id=placement.orders[0].pk)
    assert commission.amount == Decimal("6.00")


def test_a_small_order_pays_the_minimum_commission(buyer, shop, run_on_commit, settings):
    settings.ORDERS_COMMISSION_MINIMUM = "1.00"
    sku = live_sku(shop, price="4.00", category=order_category(commission_rate="5.00"))
    placement = place(buyer, (sku, 1))
    with run_on_commit():
        pay(placement.payment)

    commission = OrderCommission.objects.get(order_id=placement.orders[0].pk)
    assert commission.amount == Decimal("1.00") and commission.minimum_applied  # not 0.20
    assert rows(commission.order, Kind.COMMISSION).get().memo


def test_the_commission_is_frozen_when_paid(buyer, shop, run_on_commit):
    category = order_category(commission_rate="5.00")
    sku = live_sku(shop, price="100.00", category=category)
    placement = place(buyer, (sku, 1))
    with run_on_commit():
        pay(placement.payment)
    category.commission_rate = Decimal("20.00")
    category.save(update_fields=["commission_rate"])

    with run_on_commit():
        ledger.record_order_paid(order_id=placement.orders[0].pk)  # again: changes nothing

    assert OrderCommission.objects.get().amount == Decimal("5.00")
    assert LedgerEntry.objects.filter(kind=Kind.COMMISSION).count() == 1


def test_commission_computation_spreads_a_minimum_exactly():
    lines = [
        commission.LineBasis(
            line_id=i,
            line_total=Decimal(v),
            platform_discount=Decimal("0"),
            category_rate=Decimal("1.00"),
        )
        for i, v in enumerate(["3.33", "3.33", "3.34"], 1)
    ]
    breakdown = commission.compute_commission(
        currency="CNY", lines=lines, shop_rate=None, minimum=Decimal("1.00")
    )
    assert breakdown.amount == Decimal("1.00") and breakdown.minimum_applied
    assert sum(line.commission for line in breakdown.lines) == Decimal("1.00")
    # never more than the goods
    tiny = commission.compute_commission(
        currency="CNY", lines=lines[:1], shop_rate=None, minimum=Decimal("50.00")
    )
    assert tiny.amount == Decimal("3.33")


def test_a_free_order_posts_nothing(buyer, shop, run_on_commit):
    order = Order(currency="CNY", shop_commission_rate=None)
    breakdown = commission.order_commission_breakdown(order, [])
    assert breakdown.amount == 0 and breakdown.goods_value == 0


# --- Append-only --------------------------------------------------------------------------------
def test_the_ledger_refuses_changes_and_deletions(buyer, cup, run_on_commit):
    placement = place(buyer, (cup, 1))
    with run_on_commit():
        pay(placement.payment)
    entry = LedgerEntry.objects.get(kind=Kind.SALE)

    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(ValueError):
        entry.memo = "changed"
        entry.save()
    # The one thing allowed: a pending row becomes available, once.
    LedgerEntry.objects.filter(pk=entry.pk).update(available_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(available_at=None)
    assert LedgerEntry.objects.get(pk=entry.pk).amount == entry.amount


# --- Balances -----------------------------------------------------------------------------------
def test_balances_are_pending_until_the_order_completes_then_available(
    buyer, cup, shop, run_on_commit
):
    placement = place(buyer, (cup, 1))
    with run_on_commit():
        pay(placement.payment)
    order = Order.objects.get(pk=placement.orders[0].pk)
    net = OrderCommission.objects.get(order=order).net

    [balance] = ledger.balances(shop)
    assert (balance.currency, balance.pending, balance.available) == ("CNY", net, Decimal("0"))

    with run_on_commit():
        complete(order, shop)

    [balance] = ledger.balances(shop)
    assert (balance.pending, balance.available) == (Decimal("0"), net)
    assert not rows(order).filter(available_at__isnull=True).exists()


def test_balances_take_one_query(buyer, cup, bowl, shop, run_on_commit, django_assert_num_queries):
    with run_on_commit():
        pay(place(buyer, (cup, 1), (bowl, 1)).payment)
    with django_assert_num_queries(1):
        ledger.balances(shop)


# --- Cancellation and refunds --------------------------------------------------------------------
def test_a_cancelled_paid_order_nets_to_zero_and_is_not_pending(buyer, cup, shop, run_on_commit):
    placement = place(buyer, (cup, 2))
    with run_on_commit():
        pay(placement.payment)
    order = Order.objects.get(pk=placement.orders[0].pk)

    with run_on_commit():
        cancel_order(order, by=Order.CancelledBy.BUYER, actor=buyer)

    refund = Refund.objects.get(order=order)
    assert refund.state == Refund.State.SUCCEEDED
    assert total(rows(order, Kind.REFUND)) == -order.total
    assert total(rows(order)) == 0
    assert not rows(order).filter(available_at__isnull=True).exists()
    [balance] = ledger.balances(shop)
    assert balance.pending == balance.available == 0


def test_a_partial_refund_reverses_exactly_the_lines_allocated_amount(buyer, shop, run_on_commit):
    tea = live_sku(shop, price="33.33", category=order_category(commission_rate="7.00"))
    pot = live_sku(shop, price="120.00", category=order_category(commission_rate="5.00"))
    placement = place(buyer, (tea, 3), (pot, 1))
    with run_on_commit():
        pay(placement.payment)
    order = Order.objects.get(pk=placement.orders[0].pk)
    tea_line = OrderLine.objects.get(order=order, sku=tea)
    commission = OrderCommission.objects.get(order=order)
    tea_commission = next(
        Decimal(row["commission"]) for row in commission.lines if row["line"] == tea_line.pk
    )

    with run_on_commit():
        refund = settlement.refund_lines(order=order, lines={tea_line.pk: 1}, actor=shop.owner)
    with run_on_commit():
        second = settlement.refund_lines(order=order, lines={tea_line.pk: 2}, actor=shop.owner)

    unit_shares = allocate(tea_line.line_total, [1] * 3)
    commission_shares = allocate(tea_commission, [1] * 3)
    refund.refresh_from_db(), second.refresh_from_db()
    assert refund.state == second.state == Refund.State.SUCCEEDED
    assert refund.amount == unit_shares[0]
    assert refund.amount + second.amount == tea_line.line_total  # exactly the line, no cent lost
    back = rows(order, Kind.COMMISSION).filter(refund__isnull=False)
    assert back.get(refund=refund).amount == commission_shares[0]
    assert total(back) == tea_commission
    # What remains is exactly the pot's sale, commission and net.
    pot_line = OrderLine.objects.get(order=order, sku=pot)
    remaining_goods = total(rows(order, Kind.SALE)) + total(rows(order, Kind.REFUND))
    assert remaining_goods == order.total - tea_line.line_total
    assert -total(rows(order, Kind.COMMISSION)) == commission.amount - tea_commission
    assert pot_line.line_total > 0


def test_refunding_more_than_was_bought_is_refused_and_writes_nothing(buyer, cup, run_on_commit):
    placement = place(buyer, (cup, 2))
    with run_on_commit():
        pay(placement.payment)
    order = Order.objects.get(pk=placement.orders[0].pk)
    line = order.lines.get()

    for bad in ({line.pk: 3}, {line.pk: 0}, {line.pk: -1}, {999999: 1}, {"x": 1}, {}):
        with pytest.raises(OrdersError):
            settlement.refund_lines(order=order, lines=bad)
    assert not Refund.objects.exists()


def test_an_unpaid_order_cannot_be_refunded(buyer, cup):
    order = place(buyer, (cup, 1)).orders[0]
    with pytest.raises(OrdersError):
        settlement.refund_lines(order=order, lines={order.lines.get().pk: 1})
    assert not Refund.objects.exists()


def test_a_late_payment_for_a_cancelled_order_is_not_a_sale(buyer, cup, run_on_commit):
    placement = place(buyer, (cup, 1))
    order = Order.objects.get(pk=placement.orders[0].pk)
    with run_on_commit():
        cancel_order(order, by=Order.CancelledBy.BUYER, actor=buyer)
        pay(placement.payment)

    assert Refund.objects.get().reason == Refund.Reason.LATE_PAYMENT
    assert not LedgerEntry.objects.exists()


# --- Payouts and adjustments --------------------------------------------------------------------
def test_a_payout_takes_only_what_is_available(buyer, cup, shop, run_on_commit):
    placement = place(buyer, (cup, 1))
    with run_on_commit():
        pay(placement.payment)
    order = Order.objects.get(pk=placement.orders[0].pk)
    net = OrderCommission.objects.get(order=order).net

    with pytest.raises(OrdersError):  # still pending
        settlement.record_payout(
            shop=shop, amount="10.00", currency="CNY", reference="BANK-1", actor=shop.owner
        )
    with run_on_commit():
        complete(order, shop)
    payout = settlement.record_payout(
        shop=shop, amount=str(net), currency="CNY", reference="BANK-1", actor=shop.owner
    )
    with pytest.raises(OrdersError):  # the same reference twice
        settlement.record_payout(
            shop=shop, amount="0.01", currency="CNY", reference="BANK-1", actor=shop.owner
        )
    with pytest.raises(OrdersError):  # nothing left
        settlement.record_payout(
            shop=shop, amount="0.01", currency="CNY", reference="BANK-2", actor=shop.owner
        )

    assert ledger.available_balance(shop, "CNY") == 0
    assert LedgerEntry.objects.get(payout=payout).amount == -net
    settlement.return_payout(payout=payout, actor=shop.owner, reason="Account closed")
    assert Payout.objects.get().state == Payout.State.RETURNED
    assert ledger.available_balance(shop, "CNY") == net


@pytest.mark.parametrize("amount", ["0", "abc", "", "-0.00"])
def test_bad_payouts_and_adjustments_are_refused(shop, amount):
    with pytest.raises(OrdersError):
        settlement.record_payout(
            shop=shop, amount=amount, currency="CNY", reference="R", actor=shop.owner
        )
    with pytest.raises(OrdersError):
        ledger.record_adjustment(
            shop=shop, amount=amount, currency="CNY", memo="x", actor=None, reference="a1"
        )
    assert not LedgerEntry.objects.exists() and not Payout.objects.exists()


def test_an_adjustment_is_posted_once_per_reference(shop):
    for _ in range(2):
        ledger.record_adjustment(
            shop=shop,
            amount="12.50",
            currency="CNY",
            memo="Compensation for a lost parcel",
            actor=None,
            reference="ticket-77",
        )
    assert LedgerEntry.objects.get().amount == Decimal("12.50")
    assert ledger.available_balance(shop, "CNY") == Decimal("12.50")
