"""Refunds of one order attempted at the same moment (real PostgreSQL, real threads, each with its
own connection): a cancellation and line refunds racing on the same paid orders never refund more
than the payment captured, and every loser gets a clear refusal (no 500, no deadlock).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from marketplace.core.errors import DomainError
from orders import services
from orders.finance.services import settlement
from orders.models import Order, OrderLine, Payment, Refund
from tests.factories.orders import buyer_with_address, live_sku, pay, place
from tests.orders.test_concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

ORDERS = 6


@pytest.fixture(autouse=True)
def _fresh_content_types():
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def outcome(job):
    def run():
        try:
            job()
        except DomainError as error:
            return ("refused", error.code)
        except Exception as error:  # a deadlock or an integrity error would be a 500
            return ("error", repr(error))
        return ("done", None)

    return run


def test_a_cancellation_and_line_refunds_racing_never_refund_more_than_captured(shop, capsys):
    tea = live_sku(shop, price="33.33", stock=100, title="Racing tea")
    pot = live_sku(shop, price="120.00", stock=100, title="Racing pot")
    orders = []
    for _ in range(ORDERS):
        buyer = buyer_with_address()
        placement = place(buyer, (tea, 3), (pot, 1))
        pay(placement.payment)
        orders.append(Order.objects.get(pk=placement.orders[0].pk))

    jobs = []
    for order in orders:
        tea_line = OrderLine.objects.get(order=order, sku=tea)
        pot_line = OrderLine.objects.get(order=order, sku=pot)
        jobs += [
            outcome(lambda o=order, t=tea_line: settlement.refund_lines(order=o, lines={t.pk: 3})),
            outcome(
                lambda o=order, t=tea_line, p=pot_line: settlement.refund_lines(
                    order=o, lines={t.pk: 1, p.pk: 1}
                )
            ),
            outcome(
                lambda o=order: services.cancel_order(o, by=Order.CancelledBy.BUYER, actor=o.buyer)
            ),
        ]
    results = run_at_once(jobs, workers=9)

    errors = [value for kind, value in results if kind == "error"]
    assert errors == []
    refused = {value for kind, value in results if kind == "refused"}
    assert refused <= {"too_much", "invalid_quantity"}, refused
    for order in orders:
        payment = Payment.objects.get(allocations__order=order)
        going_back = (
            Refund.objects.filter(payment=payment)
            .exclude(state=Refund.State.FAILED)
            .aggregate(total=Sum("amount", default=Decimal("0")))["total"]
        )
        assert going_back <= payment.amount, order.number
        assert payment.refunded == going_back
        assert Order.objects.get(pk=order.pk).state == Order.State.CANCELLED
        assert going_back == payment.amount  # the cancellation refunded the rest, whatever won
    with capsys.disabled():
        done = sum(1 for kind, _ in results if kind == "done")
        print(
            f"\n[refund race] {len(jobs)} refund attempts on {ORDERS} orders: {done} done, "
            f"{len(results) - done} refused, 0 errors, never more than captured"
        )
