"""Fixtures of the storefront tests: live products made through the catalog services (so every
listing column and search vector is the real one), and a cheap way to grow the catalogue.

`clone_live_products(product, n)` copies a live product n times with one INSERT … SELECT
(new ids, slugs and codes; the same listing columns and search vector), for tests that need
many rows but not many real sellers' journeys.
"""

from __future__ import annotations

import pytest
from django.db import connection

from catalog.services import listing
from tests.factories.catalog import add_ready_image, make_product, sku


def publish(product, *, shop):
    add_ready_image(product)
    listing.publish_product(product, shop=shop, actor=shop.owner)
    product.refresh_from_db()
    return product


@pytest.fixture
def live_tea(shop, green_tea):
    """A live product in Food › Tea › Green tea with two variants (one sold out)."""
    return publish(
        make_product(
            shop,
            green_tea,
            code="LJ",
            title="西湖龙井 West Lake Longjing green tea",
            search_keywords="longjing, spring tea, 明前茶",
            attributes={"origin": "杭州西湖", "grade": "special", "net_weight": 250},
            variant_dimensions=["Size"],
            skus=[
                sku("LJ-250", "88.00", stock=12, Size="250g"),
                sku("LJ-500", "168.00", stock=0, Size="500g"),
            ],
        ),
        shop=shop,
    )


@pytest.fixture
def live_cup(other_shop, green_tea):
    """A live product of shop B in the same category: grade "first", cheaper."""
    return publish(
        make_product(
            other_shop,
            green_tea,
            code="CUP",
            title="Celadon tea cup 青瓷茶杯",
            search_keywords="celadon, cup",
            attributes={"origin": "Longquan", "grade": "first"},
            skus=[sku("CUP-1", "39.00", stock=3)],
        ),
        shop=other_shop,
    )


def clone_live_products(product, count: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO catalog_product (
                shop_id, category_id, code, title, slug, description, attributes,
                variant_dimensions, tags, search_keywords, meta_title, meta_description,
                video_url, state, state_reason, state_changed_at, published_at, currency,
                min_price, max_price, total_stock, sales_count, rating, review_count,
                image_count, main_image_thumb, main_image_list, shop_name, shop_slug,
                shop_visible, category_path, quality_score, quality_issues, search_vector,
                created_at, updated_at)
            SELECT shop_id, category_id, code || '-c' || n, title, slug || '-c' || n,
                   description, attributes, variant_dimensions, tags, search_keywords,
                   meta_title, meta_description, video_url, state, state_reason,
                   state_changed_at, published_at - n * interval '1 minute', currency,
                   min_price, max_price, total_stock, sales_count + n, rating, review_count,
                   image_count, main_image_thumb, main_image_list, shop_name, shop_slug,
                   shop_visible, category_path, quality_score, quality_issues, search_vector,
                   created_at, updated_at
              FROM catalog_product, generate_series(1, %s) AS n
             WHERE id = %s
            """,
            [count, product.pk],
        )


@pytest.fixture(autouse=True)
def _fresh_local_cache():
    """The per-process copies of storefront fragments start empty in every test (they are keyed
    by the Redis epoch too, so this is belt and braces)."""
    from catalog.storefront.cache import clear_local

    clear_local()
    yield
    clear_local()
