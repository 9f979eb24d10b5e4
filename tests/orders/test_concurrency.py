"""Many buyers at once on the last few units (DESIGN §9 "flash sale"): real PostgreSQL, real
threads each with its own connection and transactions. Exactly the units in stock are sold, never
more; every refused buyer gets a clear error and nothing half-written; the stock ledger adds up.

Run alone to see the numbers:
    pytest --ds=marketplace.settings.test -p no:xdist tests/orders/test_concurrency.py -s
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Sum

from catalog.models import StockMovement
from marketplace.core.errors import DomainError
from orders import services
from orders.models import Checkout, Order, OrderLine, Payment
from tests.factories.orders import buyer_with_address, fill_cart, live_sku, signed_event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """Another transactional test may have flushed the database (content types come back with new
    ids): drop this process's cached ids so the timeline rows point at real ones."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


BUYERS = 60
UNITS = 5
WORKERS = 20


def run_at_once(jobs, workers=WORKERS):
    """Run the callables from `workers` threads released together; returns their results."""
    barrier = threading.Barrier(min(workers, len(jobs)))

    def run(job):
        try:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=30)
            return job()
        finally:
            connection.close()  # each thread's own connection

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, jobs))


def attempt(buyer, expected_total=None):
    """One buyer's submit, as the review page sends it (with the total the buyer saw)."""

    def job():
        try:
            placement = services.place_order(
                buyer=buyer,
                token=uuid.uuid4(),
                address_id=buyer.addresses.get(is_default=True).pk,
                expected_total=expected_total,
            )
        except DomainError as error:
            return ("refused", error.code)
        return ("placed", placement.orders[0].pk)

    return job


def reviewed_total(buyer):
    from orders.selectors import summarise_cart
    from orders.services.cart import cart_of_user
    from orders.shipping import quoter_for

    address = buyer.addresses.get(is_default=True)
    summary = summarise_cart(
        cart_of_user(buyer), buyer=buyer, quoter=quoter_for(province=address.province)
    )
    return summary.priced.grand_total


def ledger_balances(sku):
    totals = StockMovement.objects.filter(sku=sku).aggregate(
        stock=Sum("quantity"), reserved=Sum("reserved_change")
    )
    return totals["stock"], totals["reserved"]


def test_many_buyers_on_the_last_units_buy_exactly_those_units(shop, capsys):
    sku = live_sku(shop, price="19.90", stock=UNITS, title="Flash sale teapot")
    buyers = [buyer_with_address() for _ in range(BUYERS)]
    for buyer in buyers:
        fill_cart(buyer, (sku, 1))

    started = time.perf_counter()
    results = run_at_once([attempt(buyer) for buyer in buyers])
    placed_seconds = time.perf_counter() - started

    placed = [value for outcome, value in results if outcome == "placed"]
    refused = [value for outcome, value in results if outcome == "refused"]
    assert len(placed) == UNITS
    assert set(refused) <= {"insufficient_stock", "unavailable"}, set(refused)
    assert len(placed) + len(refused) == BUYERS
    # Nothing half-written for the refused buyers.
    assert Order.objects.count() == Checkout.objects.count() == Payment.objects.count() == UNITS
    assert OrderLine.objects.aggregate(units=Sum("quantity"))["units"] == UNITS
    sku.refresh_from_db()
    assert (sku.stock, sku.reserved) == (0, UNITS)
    assert ledger_balances(sku) == (sku.stock, sku.reserved)

    # Every winner pays at the same moment (signed provider events, handled concurrently).
    payments = list(Payment.objects.select_related("checkout"))
    events = [signed_event(payment) for payment in payments]
    started = time.perf_counter()
    outcomes = run_at_once(
        [
            (
                lambda body=body, headers=headers: (
                    services.receive_payment_event("offline", body, headers).outcome
                )
            )
            for body, headers in events
        ]
    )
    paid_seconds = time.perf_counter() - started
    assert outcomes == ["applied"] * UNITS
    assert set(Order.objects.values_list("state", flat=True)) == {"paid"}
    sku.refresh_from_db()
    assert (sku.stock, sku.reserved, sku.sold_count) == (0, 0, UNITS)
    assert ledger_balances(sku) == (0, 0)

    with capsys.disabled():
        print(
            f"\n[concurrency] {BUYERS} buyers × 1 unit on {UNITS} units, {WORKERS} threads: "
            f"{len(placed)} orders placed, {len(refused)} refused, units sold {UNITS}, "
            f"placement {placed_seconds:.2f}s ({BUYERS / placed_seconds:.0f} attempts/s), "
            f"{UNITS} payments confirmed concurrently in {paid_seconds:.2f}s"
        )


def test_mixed_quantities_never_oversell(shop, capsys):
    stock = 12
    sku = live_sku(shop, price="5.00", stock=stock, title="Mixed teacups")
    other = live_sku(shop, price="7.00", stock=100, title="Saucers")
    buyers = []
    for index in range(40):
        buyer = buyer_with_address()
        # Two SKUs per cart, in both orders of adding, to provoke lock-order deadlocks.
        pairs = (
            [(sku, 1 + index % 3), (other, 1)] if index % 2 else [(other, 1), (sku, 1 + index % 3)]
        )
        fill_cart(buyer, *pairs)
        buyers.append(buyer)

    reviewed = [reviewed_total(buyer) for buyer in buyers]

    started = time.perf_counter()
    results = run_at_once([attempt(b, total) for b, total in zip(buyers, reviewed, strict=True)])
    seconds = time.perf_counter() - started

    placed = [value for outcome, value in results if outcome == "placed"]
    refused = [value for outcome, value in results if outcome == "refused"]
    assert set(refused) <= {"insufficient_stock", "prices_changed"}, set(refused)
    assert Order.objects.count() == Checkout.objects.count() == len(placed)
    sold = OrderLine.objects.filter(sku=sku).aggregate(units=Sum("quantity"))["units"] or 0
    sku.refresh_from_db()
    other.refresh_from_db()
    assert sold <= stock and sku.stock == stock - sold and sku.reserved == sold
    assert other.stock == 100 - len(placed) and other.reserved == len(placed)
    assert len(placed) + len(refused) == len(buyers)
    assert ledger_balances(sku) == (sku.stock, sku.reserved)
    assert ledger_balances(other) == (other.stock, other.reserved)
    # Every refused attempt asked for more than was left at its turn: with 12 units and asks of
    # 1 to 3, the shop is left with fewer units than the largest ask.
    assert sku.stock < 3

    with capsys.disabled():
        print(
            f"\n[concurrency] 40 buyers asking 1–3 of {stock} units (+1 of a second SKU): "
            f"{len(placed)} orders, {len(refused)} refused, {sold} units sold, {sku.stock} left, "
            f"{seconds:.2f}s"
        )
