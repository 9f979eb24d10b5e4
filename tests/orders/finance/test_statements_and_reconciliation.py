"""Settlement statements per period (made once, adding up) and the reconciliation report of the
ledger against payments, refunds and transfers (every difference listed; clean when all is well).
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from orders import events
from orders.finance.services import ledger, settlement
from orders.finance.services.reconciliation import reconcile
from orders.models import LedgerEntry, Order, Refund, ShopTransfer, Statement
from orders.services.lifecycle import cancel_order
from tests.factories.orders import pay, place

pytestmark = pytest.mark.django_db
Kind = LedgerEntry.Kind


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def book(shop, kind, amount, when, *, available=True, source=None):
    return LedgerEntry.objects.create(
        shop=shop,
        kind=kind,
        amount=Decimal(amount),
        currency="CNY",
        source=source or f"test:{kind}:{amount}:{when.isoformat()}",
        created_at=when,
        available_at=when if available else None,
    )


# --- Statements ---------------------------------------------------------------------------------
def test_a_statement_adds_up_the_period_and_carries_the_balance(shop, other_shop):
    book(shop, Kind.SALE, "100.00", at(date(2026, 9, 20)))  # before the period
    book(shop, Kind.SALE, "200.00", at(date(2026, 10, 1), 0))  # first moment of the period
    book(shop, Kind.COMMISSION, "-10.00", at(date(2026, 10, 5)))
    book(shop, Kind.REFUND, "-50.00", at(date(2026, 10, 9)), available=False)
    book(shop, Kind.PAYOUT, "-100.00", at(date(2026, 10, 31), 23))
    book(shop, Kind.SALE, "999.00", at(date(2026, 11, 1), 0))  # after the period
    book(other_shop, Kind.SALE, "777.00", at(date(2026, 10, 3)))  # another shop

    statement = settlement.generate_statement(
        shop=shop, currency="CNY", start=date(2026, 10, 1), end=date(2026, 11, 1)
    )

    assert statement.opening_balance == Decimal("100.00")
    assert (statement.sales, statement.commissions, statement.refunds, statement.payouts) == (
        Decimal("200.00"),
        Decimal("-10.00"),
        Decimal("-50.00"),
        Decimal("-100.00"),
    )
    assert statement.closing_balance == Decimal("140.00")
    assert statement.pending_at_close == Decimal("-50.00")
    assert statement.available_at_close == Decimal("190.00")
    assert statement.entry_count == 4
    assert list(settlement.statement_entries(statement).values_list("amount", flat=True)) == [
        Decimal("200.00"),
        Decimal("-10.00"),
        Decimal("-50.00"),
        Decimal("-100.00"),
    ]
    # Made once: asking again returns the same statement, even if rows arrived since.
    book(shop, Kind.ADJUSTMENT, "5.00", at(date(2026, 10, 10)), source="late")
    again = settlement.generate_statement(
        shop=shop, currency="CNY", start=date(2026, 10, 1), end=date(2026, 11, 1)
    )
    assert again.pk == statement.pk and again.closing_balance == Decimal("140.00")


def test_a_period_that_has_not_ended_has_no_statement(shop):
    today = timezone.localdate()
    with pytest.raises(Exception) as error:
        settlement.generate_statement(
            shop=shop, currency="CNY", start=today.replace(day=1), end=today + timedelta(days=40)
        )
    assert "not ended" in str(error.value)
    assert not Statement.objects.exists()


def test_the_beat_job_makes_last_months_statements_once(shop, other_shop, settings):
    settings.ORDERS_STATEMENT_PERIOD = "month"
    book(shop, Kind.SALE, "10.00", at(date(2026, 9, 10)))
    book(other_shop, Kind.SALE, "20.00", at(date(2026, 10, 10)))
    now = at(date(2026, 11, 3))

    made = settlement.generate_statements(now=now)
    again = settlement.generate_statements(now=now)

    assert (made, again) == (2, 0)
    assert set(Statement.objects.values_list("shop_id", "period_start", "closing_balance")) == {
        (shop.pk, date(2026, 10, 1), Decimal("10.00")),
        (other_shop.pk, date(2026, 10, 1), Decimal("20.00")),
    }


def test_weekly_periods(settings):
    settings.ORDERS_STATEMENT_PERIOD = "week"
    assert settlement.statement_period(date(2026, 11, 19)) == (
        date(2026, 11, 16),
        date(2026, 11, 23),
    )
    settings.ORDERS_STATEMENT_PERIOD = "month"
    assert settlement.statement_period(date(2026, 12, 31)) == (date(2026, 12, 1), date(2027, 1, 1))


# --- Reconciliation -----------------------------------------------------------------------------
def test_a_clean_history_reconciles(buyer, cup, bowl, shop, run_on_commit):
    placement = place(buyer, (cup, 2), (bowl, 1))
    with run_on_commit():
        pay(placement.payment)
    order = Order.objects.get(checkout=placement.checkout, shop=shop)
    with run_on_commit():
        settlement.refund_lines(order=order, lines={order.lines.get().pk: 1})
    other = Order.objects.exclude(pk=order.pk).get()
    with run_on_commit():
        cancel_order(other, by=Order.CancelledBy.BUYER, actor=buyer)

    report = reconcile()

    assert report.ok, report.differences
    assert report.orders_checked == 2 and report.payments_checked == 1


def test_missing_and_wrong_rows_are_each_listed(buyer, cup, bowl, shop, other_shop, run_on_commit):
    # A refund whose ledger handler did not run (a crash): the refund row is missing.
    events.payment_refunded.unsubscribe(ledger.on_payment_refunded)
    try:
        placement = place(buyer, (cup, 1), (bowl, 1))
        with run_on_commit():
            pay(placement.payment)
        order_a = Order.objects.get(checkout=placement.checkout, shop=shop)
        with run_on_commit():
            cancel_order(order_a, by=Order.CancelledBy.BUYER, actor=buyer)
    finally:
        events.payment_refunded.subscribe(ledger.on_payment_refunded)
    # A row for an order that was never paid.
    unpaid = place(buyer, (bowl, 1)).orders[0]
    ledger.record_adjustment(
        shop=other_shop,
        amount="3.00",
        currency="CNY",
        memo="goodwill",
        actor=None,
        order=unpaid,
        reference="x1",
    )
    # A sent transfer without its payout row.
    order_b = Order.objects.get(checkout=placement.checkout, shop=other_shop)
    ShopTransfer.objects.create(
        shop=other_shop,
        order=order_b,
        payment_id=placement.payment.pk,
        amount=Decimal("10.00"),
        amount_sent=Decimal("10.00"),
        currency="CNY",
        transfer_group="g",
        state=ShopTransfer.State.SENT,
        provider_ref="tr_ghost",
    )

    report = reconcile()

    found = {(d.kind, d.order_number) for d in report.differences}
    refund = Refund.objects.get(order=order_a)
    assert ("refund", order_a.number) in found
    assert ("orphan", unpaid.number) in found
    assert ("transfer", order_b.number) in found
    refund_difference = next(d for d in report.differences if d.kind == "refund")
    assert (refund_difference.expected, refund_difference.actual) == (-refund.amount, 0)

    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("reconcile", "--fail-on-difference", stdout=out)
    assert exit_status.value.code == 1
    assert f"refund | Shop A Teahouse | {order_a.number}" in out.getvalue()

    # Repair posts what the failed handler should have; the refund difference is gone.
    with run_on_commit():
        ledger.repost_missing()
    kinds = {(d.kind, d.order_number) for d in reconcile().differences}
    assert ("refund", order_a.number) not in kinds


def test_held_transfers_are_reported(buyer, cup, shop, settings):
    ShopTransfer.objects.create(
        shop=shop,
        order=place(buyer, (cup, 1)).orders[0],
        payment_id=Order.objects.get().payments.get().pk,
        amount=Decimal("80.00"),
        currency="CNY",
        transfer_group="g",
        state=ShopTransfer.State.HELD,
        failure_reason="no account",
    )
    out = io.StringIO()
    call_command("reconcile", "--shop", shop.slug, stdout=out)
    assert "HELD" in out.getvalue() and "80.00 CNY" in out.getvalue()
    assert len(reconcile(shop=shop).held) == 1


def test_the_command_refuses_bad_arguments():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("reconcile", "--shop", "nobody")
    with pytest.raises(CommandError):
        call_command("reconcile", "--since", "yesterday")
