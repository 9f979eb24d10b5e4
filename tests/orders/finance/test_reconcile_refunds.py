"""Reconciliation per payment: captured against refunded against reversed. Each planted
difference is listed by `reconcile()`, `manage.py reconcile` and the admin's page; a clean history
with partial refunds, a cancellation and transfer reversals lists none."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from orders import events
from orders.finance.services import ledger, settlement
from orders.finance.services.reconciliation import reconcile
from orders.models import Order, OrderLine, Payment, Refund, TransferReversal
from orders.services.lifecycle import cancel_order
from tests.factories.orders import live_sku, pay, place
from tests.orders.finance.test_stripe import connect, succeeded_body

pytestmark = pytest.mark.django_db


def kinds(report):
    return {d.kind for d in report.differences}


def paid_order(buyer, shop, run_on_commit):
    tea = live_sku(shop, price="33.33")
    placement = place(buyer, (tea, 3))
    with run_on_commit():
        pay(placement.payment)
    return Order.objects.get(pk=placement.orders[0].pk)


def test_a_refund_above_the_capture_is_listed(buyer, shop, run_on_commit):
    order = paid_order(buyer, shop, run_on_commit)
    payment = Payment.objects.get(allocations__order=order)
    with run_on_commit():
        cancel_order(order, by=Order.CancelledBy.BUYER, actor=buyer)
    assert reconcile().ok
    # Planted behind the database's back (as data from before the ceiling existed would be):
    # triggers off for this transaction, a second full refund of the same payment.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        Refund.objects.create(
            payment=payment,
            order=order,
            amount=order.total,
            reason=Refund.Reason.AFTERSALES,
            state=Refund.State.PENDING,
        )

    report = reconcile()

    found = {d.kind: d for d in report.differences}
    assert "refund_ceiling" in found, report.differences
    over = found["refund_ceiling"]
    assert (over.expected, over.actual) == (payment.amount, 2 * payment.amount)
    assert over.reference == str(payment)
    assert "refund_total" in found  # the payment's refunded total no longer adds up either

    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("reconcile", "--fail-on-difference", stdout=out)
    assert "refund_ceiling" in out.getvalue()


def test_a_succeeded_refund_without_its_ledger_rows_is_listed(buyer, shop, run_on_commit):
    order = paid_order(buyer, shop, run_on_commit)
    line = OrderLine.objects.get(order=order)
    events.payment_refunded.unsubscribe(ledger.on_payment_refunded)
    try:
        with run_on_commit():
            refund = settlement.refund_lines(order=order, lines={line.pk: 1})
    finally:
        events.payment_refunded.subscribe(ledger.on_payment_refunded)

    report = reconcile()

    unbooked = [d for d in report.differences if d.kind == "refund_unbooked"]
    assert [(d.reference, d.expected, d.actual) for d in unbooked] == [
        (f"refund #{refund.pk}", -refund.amount, Decimal("0.00"))
    ]


def test_a_refund_whose_shop_share_was_not_taken_back_is_listed(
    stripe_standin, deliver, run_on_commit, buyer, cup, shop, admin_client
):
    connect(shop, stripe_standin)
    placement = place(buyer, (cup, 3))
    payment = Payment.objects.get(pk=placement.payment.pk)
    with run_on_commit():
        deliver(succeeded_body(stripe_standin, payment))
    order = Order.objects.get(pk=placement.orders[0].pk)
    with run_on_commit():
        settlement.refund_lines(order=order, lines={order.lines.get().pk: 1})
    reversal = TransferReversal.objects.get()
    assert reversal.state == TransferReversal.State.SENT
    assert reconcile().ok, reconcile().differences

    # Planted: the reversal is recorded for less than the refund's shop share.
    TransferReversal.objects.filter(pk=reversal.pk).update(amount=reversal.amount - 1)

    report = reconcile()

    [share] = [d for d in report.differences if d.kind == "reversal_share"]
    assert (share.expected, share.actual) == (reversal.amount, reversal.amount - 1)
    assert share.order_number == order.number
    page = admin_client.get(reverse("admin:orders_ledgerentry_reconciliation"))
    assert "shop share of the refunds" in page.content.decode()


def test_a_history_of_partial_refunds_cancellations_and_reversals_is_clean(
    stripe_standin, deliver, run_on_commit, buyer, cup, bowl, shop, other_shop
):
    connect(shop, stripe_standin), connect(other_shop, stripe_standin)
    placement = place(buyer, (cup, 3), (bowl, 2))
    payment = Payment.objects.get(pk=placement.payment.pk)
    with run_on_commit():
        deliver(succeeded_body(stripe_standin, payment))
    order_a = Order.objects.get(checkout=placement.checkout, shop=shop)
    order_b = Order.objects.get(checkout=placement.checkout, shop=other_shop)
    with run_on_commit():
        settlement.refund_lines(order=order_a, lines={order_a.lines.get().pk: 1})
        settlement.refund_lines(order=order_b, lines={order_b.lines.get().pk: 1})
    with run_on_commit():
        cancel_order(order_a, by=Order.CancelledBy.BUYER, actor=buyer)

    report = reconcile()

    assert report.ok, report.differences
    payment.refresh_from_db()
    assert payment.refunded == order_a.total + Refund.objects.get(order=order_b).amount
