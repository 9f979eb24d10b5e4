"""Checkouts and payment confirmations interleaved on the same few SKUs (issue 11, item 6): real
PostgreSQL, threads with their own connections. Every path that locks takes payments, then
orders, then SKUs in id order (docs/architecture.md, "Lock order"), and the service boundary
retries a deadlock or serialization failure (`marketplace.core.db.retry_on_deadlock`), so no
buyer and no webhook ever sees a 500: exactly the stock is sold and it never goes below zero.

Run alone to see the figures:
    pytest --ds=marketplace.settings.test -p no:xdist tests/orders/test_lock_order.py -s
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Min, Sum

from catalog.models import Sku, StockMovement
from marketplace.core import db
from marketplace.core.errors import DomainError
from orders import services
from orders.models import Order, OrderLine, Payment
from tests.factories.orders import buyer_with_address, fill_cart, live_sku, signed_event

pytestmark = pytest.mark.django_db(transaction=True)

CHECKOUTS = 60
THREADS = 8
STOCK = 20  # per SKU: far fewer than the 40-50 units asked of each, so buyers are refused


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """Another transactional test may have flushed the database: drop cached content type ids."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def three_skus(shop, other_shop):
    """Three SKUs of two shops, made so that the lower shop's SKUs have the higher ids: a path
    that locks SKUs shop by shop (order by order) then takes them against id order."""
    low, high = sorted([shop, other_shop], key=lambda s: s.pk)
    first = live_sku(high, price="12.00", stock=STOCK, title="Bamboo tea tray")
    second = live_sku(low, price="19.90", stock=STOCK, title="Celadon teapot")
    third = live_sku(low, price="8.50", stock=STOCK, title="Celadon cup")
    return [first, second, third]


CARTS = [(0, 1), (1, 0), (2, 0), (0, 2, 1), (1, 2), (2, 1, 0)]


def checkout_and_pay(buyer, then: str = "pay"):
    """One buyer: place the order, then the provider's signed confirmation arrives at once (as a
    webhook would, on another connection in production; here the same thread, interleaved with
    the other threads' checkouts). `then`: "pay"; "cancel" (the buyer cancels instead: the
    reservation is released); "pay, cancel" (the platform cancels the paid order: restock and
    refund). Returns (outcome, detail); "error" is what would be a 500."""

    def job():
        try:
            try:
                placement = services.place_order(
                    buyer=buyer,
                    token=uuid.uuid4(),
                    address_id=buyer.addresses.get(is_default=True).pk,
                )
            except DomainError as error:
                return ("refused", error.code)
            if then == "cancel":
                for order in placement.orders:
                    services.cancel_order(order, by=Order.CancelledBy.BUYER, actor=buyer)
                return ("cancelled", "unpaid")
            payment = Payment.objects.select_related("checkout").get(pk=placement.payment.pk)
            body, headers = signed_event(payment)
            record = services.receive_payment_event("offline", body, headers)
            if then == "pay, cancel":
                for order in placement.orders:
                    services.cancel_order(Order.objects.get(pk=order.pk), by="platform")
                return ("cancelled", f"paid {record.outcome}")
            return ("paid", record.outcome)
        except Exception as error:  # noqa: BLE001 - counted: any of these is a 500
            return ("error", f"{type(error).__name__}: {str(error).splitlines()[0]}")
        finally:
            connection.close()

    return job


def test_checkouts_and_payments_interleaved_never_fail(shop, other_shop, capsys):
    skus = three_skus(shop, other_shop)
    buyers = []
    for index in range(CHECKOUTS):
        buyer = buyer_with_address()
        fill_cart(buyer, *[(skus[position], 1) for position in CARTS[index % len(CARTS)]])
        buyers.append(buyer)
    asked = {sku.pk: 0 for sku in skus}
    for index in range(CHECKOUTS):
        for position in CARTS[index % len(CARTS)]:
            asked[skus[position].pk] += 1
    retried_before = db.retries.total()

    start = threading.Barrier(THREADS)

    def released(job):
        def run():
            with contextlib.suppress(threading.BrokenBarrierError):
                start.wait(timeout=30)
            return job()

        return run

    # Most pay; every 6th cancels unpaid, every 10th is cancelled after paying (restock).
    plans = [
        "cancel" if index % 6 == 5 else "pay, cancel" if index % 10 == 9 else "pay"
        for index in range(CHECKOUTS)
    ]
    jobs = [checkout_and_pay(buyer, plan) for buyer, plan in zip(buyers, plans, strict=True)]
    jobs[:THREADS] = [released(job) for job in jobs[:THREADS]]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(lambda job: job(), jobs))

    errors = [detail for outcome, detail in results if outcome == "error"]
    paid = [detail for outcome, detail in results if outcome == "paid"]
    refused = [detail for outcome, detail in results if outcome == "refused"]
    cancelled = [detail for outcome, detail in results if outcome == "cancelled"]
    retried = db.retries.total() - retried_before
    with capsys.disabled():
        print(
            f"\n[lock order] {CHECKOUTS} checkouts and their payments on 3 SKUs, {THREADS} threads:"
            f" {len(paid)} paid, {len(cancelled)} cancelled (unpaid or paid),"
            f" {len(refused)} refused for want of stock, {len(errors)} errors (500s), "
            f"{retried} deadlocks/serialization failures retried"
        )
        for error in sorted(set(errors)):
            print(f"    {errors.count(error)} × {error}")

    assert errors == []
    assert set(paid) == {"applied"}
    assert set(cancelled) <= {"unpaid", "paid applied"}
    assert set(refused) <= {"insufficient_stock", "unavailable"}, set(refused)
    assert len(paid) + len(cancelled) + len(refused) == CHECKOUTS
    assert Order.objects.exclude(state__in=[Order.State.PAID, Order.State.CANCELLED]).count() == 0
    assert refused  # the buyers asked for more than there was
    for sku in Sku.objects.filter(pk__in=asked):
        lines = OrderLine.objects.filter(sku=sku)
        kept = lines.filter(order__state=Order.State.PAID).aggregate(units=Sum("quantity"))
        ever = lines.filter(order__paid_at__isnull=False).aggregate(units=Sum("quantity"))
        kept, ever = kept["units"] or 0, ever["units"] or 0
        # Exactly the stock is sold, no more; what cancelled orders held went back.
        assert (sku.stock, sku.reserved, sku.sold_count) == (STOCK - kept, 0, ever)
        movements = StockMovement.objects.filter(sku=sku)
        assert movements.aggregate(stock=Sum("quantity"))["stock"] == sku.stock
        assert movements.aggregate(low=Min("stock_after"))["low"] >= 0  # never below zero
