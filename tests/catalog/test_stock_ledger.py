"""Stock changes only through catalog.services, always with their ledger rows."""

import random

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum

from catalog.errors import CatalogError, InsufficientStock
from catalog.models import Product, Sku, StockMovement
from catalog.models.inventory import AppendOnlyError
from catalog.services import inventory
from catalog.services.inventory import StockLine
from tests.factories.catalog import make_product, sku


def ledger_sums(sku_obj):
    sums = StockMovement.objects.filter(sku=sku_obj).aggregate(
        stock=Sum("quantity"), reserved=Sum("reserved_change")
    )
    return (sums["stock"] or 0, sums["reserved"] or 0)


@pytest.fixture
def two_skus(shop, green_tea):
    product = make_product(
        shop,
        green_tea,
        variant_dimensions=["Size"],
        skus=[
            sku("LJ-S", "40.00", stock=10, Size="100g"),
            sku("LJ-L", "88.00", stock=5, Size="250g"),
        ],
    )
    small, large = product.skus.order_by("pk")
    return product, small, large


def test_opening_stock_is_a_received_movement(two_skus):
    product, small, large = two_skus
    movement = StockMovement.objects.get(sku=small)
    assert movement.kind == "received"
    assert movement.quantity == 10
    assert movement.stock_after == 10
    assert product.total_stock == 15


def test_stock_equals_the_sum_of_movements_after_any_sequence(shop, two_skus):
    product, small, large = two_skus
    rng = random.Random(5)
    for step in range(60):
        target = rng.choice([small, large])
        target.refresh_from_db()
        action = rng.choice(["receive", "adjust", "reserve", "release", "sell", "return"])
        ref = f"O-{step % 7}"
        try:
            if action == "receive":
                inventory.receive_stock(target, rng.randint(1, 5), shop=shop, reason="delivery")
            elif action == "adjust":
                inventory.adjust_stock(target, rng.choice([-3, -1, 2]), shop=shop, reason="recount")
            elif action == "reserve":
                inventory.reserve_stock([(target.pk, rng.randint(1, 3))], order_ref=ref)
            elif action == "release":
                inventory.release_stock(order_ref=ref)
            elif action == "sell":
                inventory.commit_sale(order_ref=ref)
            else:
                inventory.return_stock([(target.pk, 1)], order_ref=ref, reason="changed mind")
        except CatalogError:
            pass  # refused steps change nothing; the invariant below still holds
    for item in (small, large):
        item.refresh_from_db()
        assert (item.stock, item.reserved) == ledger_sums(item)
        last = StockMovement.objects.filter(sku=item).order_by("-created_at", "-id").first()
        assert (last.stock_after, last.reserved_after) == (item.stock, item.reserved)
    product.refresh_from_db()
    assert product.total_stock == small.stock + large.stock
    assert product.sales_count == small.sold_count + large.sold_count


def test_reserve_release_commit_and_return_for_an_order(two_skus):
    product, small, large = two_skus
    inventory.reserve_stock([StockLine(small.pk, 3), StockLine(large.pk, 2)], order_ref="O-1")
    small.refresh_from_db()
    large.refresh_from_db()
    assert (small.stock, small.reserved) == (7, 3)
    assert (large.stock, large.reserved) == (3, 2)

    inventory.release_stock(order_ref="O-1", lines=[(small.pk, 1)])
    inventory.commit_sale(order_ref="O-1")
    assert inventory.commit_sale(order_ref="O-1") == []  # paid twice: nothing more happens
    assert inventory.release_stock(order_ref="O-1") == []  # nothing is reserved any more
    small.refresh_from_db()
    large.refresh_from_db()
    assert (small.stock, small.reserved, small.sold_count) == (8, 0, 2)
    assert (large.stock, large.reserved, large.sold_count) == (3, 0, 2)

    inventory.return_stock([(small.pk, 2)], order_ref="O-1", reason="return")
    with pytest.raises(InsufficientStock):
        inventory.return_stock([(small.pk, 1)], order_ref="O-1")  # both units already back
    small.refresh_from_db()
    assert small.stock == 10
    product.refresh_from_db()
    assert product.total_stock == 13
    assert product.sales_count == 4


def test_a_line_without_enough_stock_refuses_the_whole_reservation(two_skus):
    product, small, large = two_skus
    before = StockMovement.objects.count()
    with pytest.raises(InsufficientStock) as error:
        inventory.reserve_stock([(small.pk, 2), (large.pk, 6)], order_ref="O-2")
    assert "LJ-L" in str(error.value.message)
    assert error.value.available == 5
    assert StockMovement.objects.count() == before
    small.refresh_from_db()
    assert (small.stock, small.reserved) == (10, 0)


def test_commit_sale_sells_straight_from_stock_without_a_reservation(two_skus):
    product, small, large = two_skus
    inventory.commit_sale(order_ref="O-3", lines=[(large.pk, 5)])
    large.refresh_from_db()
    assert (large.stock, large.reserved, large.sold_count) == (0, 0, 5)
    with pytest.raises(InsufficientStock):
        inventory.commit_sale(order_ref="O-4", lines=[(large.pk, 1)])


def test_an_adjustment_below_zero_is_refused_naming_the_stock(shop, two_skus):
    product, small, large = two_skus
    with pytest.raises(CatalogError) as error:
        inventory.adjust_stock(small, -11, shop=shop, reason="breakage")
    assert error.value.code == "stock_below_zero"
    assert error.value.field == "change"
    assert "10" in str(error.value.message)
    small.refresh_from_db()
    assert small.stock == 10
    assert StockMovement.objects.filter(sku=small).count() == 1


def test_an_adjustment_needs_a_reason_and_a_whole_number(shop, two_skus):
    product, small, large = two_skus
    with pytest.raises(CatalogError) as error:
        inventory.adjust_stock(small, 2, shop=shop, reason="  ")
    assert error.value.field == "reason"
    with pytest.raises(CatalogError):
        inventory.adjust_stock(small, 0, shop=shop, reason="x")
    with pytest.raises(CatalogError):
        inventory.reserve_stock([(small.pk, -1)], order_ref="O-5")
    with pytest.raises(CatalogError):
        inventory.reserve_stock([(small.pk, 1.5)], order_ref="O-5")


def test_another_shops_sku_is_unknown_to_seller_stock_services(other_shop, two_skus):
    product, small, large = two_skus
    with pytest.raises(CatalogError) as error:
        inventory.receive_stock(small, 5, shop=other_shop)
    assert error.value.code == "unknown_sku"
    small.refresh_from_db()
    assert small.stock == 10


def test_the_database_refuses_negative_stock(two_skus):
    product, small, large = two_skus
    with pytest.raises(IntegrityError), transaction.atomic():
        Sku.objects.filter(pk=small.pk).update(stock=-1)


def test_the_ledger_is_append_only(two_skus):
    product, small, large = two_skus
    movement = StockMovement.objects.filter(sku=small).first()
    with pytest.raises(AppendOnlyError):
        StockMovement.objects.filter(pk=movement.pk).update(quantity=99)
    with pytest.raises(AppendOnlyError):
        movement.delete()
    with pytest.raises(AppendOnlyError):
        movement.save()
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE catalog_stockmovement SET quantity = 99 WHERE id = %s", [movement.pk]
        )
    movement.refresh_from_db()
    assert movement.quantity == 10


def test_set_stock_levels_posts_the_difference_to_the_locked_stock(shop, two_skus):
    product, small, large = two_skus
    result = inventory.set_stock_levels(
        {small.pk: 7, large.pk: 5}, shop=shop, reason="monthly count", reference="stocktake:1"
    )
    assert result == {small.pk: (10, -3), large.pk: (5, 0)}
    small.refresh_from_db()
    assert small.stock == 7
    assert StockMovement.objects.filter(kind="stocktake").count() == 1  # no row for no change


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_buyers_get_exactly_the_units_there_are(shop, green_tea):
    """Twenty simultaneous reservations of one unit on a stock of five: five succeed."""
    import threading

    from django.db import connections

    product = make_product(shop, green_tea, skus=[sku("FLASH-1", "9.90", stock=5)])
    target = product.skus.get()
    results = []
    barrier = threading.Barrier(20)

    def buy(n):
        try:
            barrier.wait()
            inventory.reserve_stock([(target.pk, 1)], order_ref=f"FLASH-{n}")
            results.append(True)
        except InsufficientStock:
            results.append(False)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buy, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    target.refresh_from_db()
    assert results.count(True) == 5
    assert (target.stock, target.reserved) == (0, 5)
    assert (target.stock, target.reserved) == ledger_sums(target)
    assert Product.objects.get(pk=product.pk).total_stock == 0
