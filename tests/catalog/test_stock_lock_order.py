"""The stock paths lock in the one lock order (docs/architecture.md, "Lock order"): a product before
its SKUs, as a seller's edit of a product and its SKU matrix does; and their locks are FOR NO KEY
UPDATE, so a row that merely references a locked SKU (a cart line, an order line) is never kept
waiting. Real PostgreSQL, one connection per thread."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import DatabaseError, connection, transaction

from catalog.models import Product, Sku
from catalog.services import inventory
from tests.factories.catalog import make_product, sku

pytestmark = pytest.mark.django_db(transaction=True)


def wait_until_blocked(pid_holder: list, timeout: float = 10.0) -> None:
    """Until the backend in `pid_holder` waits for a row lock."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            if pid_holder:
                cursor.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid_holder[0]]
                )
                row = cursor.fetchone()
                if row and row[0] == "Lock":
                    return
            time.sleep(0.02)
    raise AssertionError("the other transaction never waited")


def in_thread(function, pid_holder: list, done: threading.Event, errors: list):
    def run():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    pid_holder.append(cursor.fetchone()[0])
                function()
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            done.set()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_stock_change_locks_the_product_before_its_skus(shop, green_tea):
    product = make_product(shop, green_tea, skus=[sku("ORDER-1", "9.90", stock=5)])
    target = product.skus.get()
    pid, done, errors = [], threading.Event(), []
    with transaction.atomic():
        # Someone (a sale in flight) holds the SKU: the reservation below waits for it...
        Sku.objects.select_for_update(no_key=True).get(pk=target.pk)
        thread = in_thread(
            lambda: inventory.reserve_stock([(target.pk, 1)], order_ref="LOCK-1"), pid, done, errors
        )
        wait_until_blocked(pid)
        # ...holding the product already: a seller's edit (product, then SKUs) waits behind it
        # instead of taking the product and then waiting for the SKU (a deadlock).
        with pytest.raises(DatabaseError), transaction.atomic():
            Product.objects.select_for_update(nowait=True).get(pk=product.pk)
    thread.join(timeout=10)
    assert done.is_set() and errors == []
    target.refresh_from_db()
    assert (target.stock, target.reserved) == (4, 1)


def test_a_locked_sku_does_not_keep_a_referencing_insert_waiting(shop, green_tea):
    product = make_product(shop, green_tea, skus=[sku("ORDER-2", "9.90", stock=5)])
    target = product.skus.get()
    pid, done, errors = [], threading.Event(), []
    locked, release = threading.Event(), threading.Event()

    def hold():
        inventory.lock_stock([target.pk])
        locked.set()
        release.wait(timeout=10)

    thread = in_thread(hold, pid, done, errors)
    assert locked.wait(timeout=10)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            # The foreign-key check of inserting an order line or a cart line: it passes.
            cursor.execute("SELECT 1 FROM catalog_sku WHERE id = %s FOR KEY SHARE", [target.pk])
            assert cursor.fetchone() == (1,)
    finally:
        release.set()
        thread.join(timeout=10)
    assert errors == []
