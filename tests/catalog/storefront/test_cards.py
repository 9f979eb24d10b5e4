"""Product cards written in Python (catalog.storefront.cards): every branch of the markup, in
both languages, escaped."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation

from catalog.storefront.cards import product_grid


def row(**changes):
    values = {
        "id": 7,
        "slug": "longjing",
        "title": "Longjing <green> tea",
        "currency": "CNY",
        "min_price": Decimal("88.00"),
        "max_price": Decimal("1168.00"),
        "total_stock": 12,
        "sales_count": 1234,
        "rating": Decimal("4.80"),
        "main_image_list": "products/1/list.webp",
        "shop_name": "Tea & Co",
        "shop_slug": "tea-co",
    }
    return SimpleNamespace(**{**values, **changes})


def test_a_card_links_the_product_and_its_shop_with_price_sales_and_rating():
    with translation.override("en"):
        html = product_grid([row()])
    assert html.startswith('<ul class="product-grid"><li class="product-card">')
    assert '<a class="product-card-link" href="/products/7/longjing/">' in html
    assert '<img src="/media/products/1/list.webp" alt="" width="480" height="480"' in html
    assert '<span class="product-card-title">Longjing &lt;green&gt; tea</span>' in html
    assert '<span class="product-card-price">from ¥88.00</span>' in html
    assert (
        '<span class="product-card-meta">1234 sold · <span class="rating" '
        'title="Average rating">★ 4.80</span></span>'
    ) in html
    assert '<a class="product-card-shop" href="/shops/tea-co/">Tea &amp; Co</a>' in html
    assert "sold-out" not in html


def test_a_sold_out_card_without_image_sales_or_rating():
    one_price = row(
        total_stock=0, main_image_list="", sales_count=0, rating=None, max_price=Decimal("88")
    )
    with translation.override("en"):
        html = product_grid([one_price])
    assert '<li class="product-card is-sold-out">' in html
    assert '<span class="no-image" aria-hidden="true">L</span>' in html
    assert '<span class="sold-out-badge">Sold out</span>' in html
    assert '<span class="product-card-price">¥88.00</span>' in html
    assert '<span class="product-card-meta"></span>' in html


def test_cards_in_chinese():
    with translation.override("zh-hans"):
        html = product_grid([row(total_stock=0), row(id=8, slug="")])
    assert "¥88.00 起" in html
    assert "已售 1234" in html
    assert 'title="平均评分"' in html
    assert "已售罄" in html
    assert 'href="/products/8/item/"' in html


@pytest.mark.django_db
def test_the_category_page_shows_its_cards(client, live_tea):
    html = client.get(f"/categories/{live_tea.category.slug}/").content.decode()
    assert f'href="/products/{live_tea.pk}/{live_tea.slug}/"' in html
    assert "from ¥88.00" in html
