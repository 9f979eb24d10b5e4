"""The listing-quality score names what is missing; stocktakes post counted differences."""

import pytest

from catalog import quality
from catalog.errors import CatalogError
from catalog.models import StockMovement, Stocktake
from catalog.services import inventory, stocktakes
from tests.factories.catalog import add_ready_image, make_product, sku


def test_a_bare_listing_lists_every_missing_item(shop, green_tea):
    product = make_product(
        shop,
        green_tea,
        title="Longjing",
        description="<p>Tea.</p>",
        attributes={},
        search_keywords="",
    )
    codes = [issue["code"] for issue in product.quality_issues]
    assert codes == ["images", "description", "attributes", "no_keywords", "title", "video"]
    messages = quality.describe_all(product.quality_issues)
    assert "Add 6 more images" in messages[0]
    assert "(4 characters)" in messages[1]
    assert "Origin" in messages[2]
    assert product.quality_score == 0 + 0 + 0 + 0 + 0 + 0 + 20 * 4 // 100


def test_a_keyword_missing_from_the_title_is_named(shop, green_tea):
    product = make_product(
        shop, green_tea, title="Spring green tea from Hangzhou", search_keywords="Longjing, 龙井"
    )
    issue = next(i for i in product.quality_issues if i["code"] == "keyword_not_in_title")
    assert issue["keywords"] == ["Longjing", "龙井"]


def test_a_complete_listing_scores_100(shop, green_tea):
    product = make_product(
        shop,
        green_tea,
        title="Longjing green tea, spring 2026",
        description="<p>" + "Hand-fried leaves from the hills west of the lake. " * 3 + "</p>",
        search_keywords="longjing",
        video_url="https://video.example/longjing.mp4",
    )
    for _n in range(6):
        add_ready_image(product)
    assert product.quality_issues == []
    assert product.quality_score == 100


@pytest.fixture
def counted(shop, green_tea):
    product = make_product(
        shop,
        green_tea,
        variant_dimensions=["Size"],
        skus=[sku("S-1", "10.00", stock=10, Size="S"), sku("S-2", "10.00", stock=4, Size="M")],
    )
    return product, list(product.skus.order_by("pk"))


def test_a_stocktake_posts_the_differences_with_the_reason(shop, counted):
    product, (small, medium) = counted
    take = stocktakes.start_stocktake(shop=shop, actor=shop.owner, title="November count")
    lines = {line.sku_id: line for line in take.lines.all()}
    assert set(lines) == {small.pk, medium.pk}
    stocktakes.record_counts(take, {lines[small.pk].pk: 8, lines[medium.pk].pk: 4}, shop=shop)
    # A sale while counting: the posted difference is against the stock at posting.
    inventory.commit_sale(order_ref="O-1", lines=[(small.pk, 1)])
    result = stocktakes.post_stocktake(take, shop=shop, actor=shop.owner, reason="Monthly count")
    assert result == {small.pk: (9, -1), medium.pk: (4, 0)}
    small.refresh_from_db()
    assert small.stock == 8
    movement = StockMovement.objects.get(kind="stocktake")
    assert (movement.sku_id, movement.quantity, movement.reason) == (small.pk, -1, "Monthly count")
    assert movement.reference == f"stocktake:{take.pk}"
    take.refresh_from_db()
    assert take.state == Stocktake.State.POSTED and take.posted_by == shop.owner
    with pytest.raises(CatalogError):
        stocktakes.post_stocktake(take, shop=shop, actor=shop.owner, reason="again")


def test_a_stocktake_needs_a_reason_a_count_and_whole_numbers(shop, counted):
    take = stocktakes.start_stocktake(shop=shop, actor=shop.owner, title="")
    line = take.lines.first()
    with pytest.raises(CatalogError):
        stocktakes.post_stocktake(
            take, shop=shop, actor=shop.owner, reason="count"
        )  # nothing counted
    with pytest.raises(CatalogError):
        stocktakes.record_counts(take, {line.pk: -3}, shop=shop)
    stocktakes.record_counts(take, {line.pk: 3}, shop=shop)
    with pytest.raises(CatalogError) as error:
        stocktakes.post_stocktake(take, shop=shop, actor=shop.owner, reason=" ")
    assert error.value.field == "reason"
    assert StockMovement.objects.filter(kind="stocktake").count() == 0


def test_another_shops_stocktake_is_refused(shop, other_shop, counted):
    take = stocktakes.start_stocktake(shop=shop, actor=shop.owner, title="Mine")
    with pytest.raises(CatalogError):
        stocktakes.post_stocktake(take, shop=other_shop, actor=other_shop.owner, reason="x")
