"""Cached storefront pages change as soon as the catalogue does: every write (services, admin,
bulk SQL) advances the version that their keys carry."""

import re

import pytest

from catalog.models import Product, Sku
from catalog.services import listing
from catalog.services import products as product_services
from catalog.storefront.cache import storefront_version
from tests.catalog.storefront.conftest import publish
from tests.factories.catalog import make_category, make_product, product_data, sku

pytestmark = pytest.mark.django_db


def card_titles(client, url):
    html = client.get(url).content.decode()
    return re.findall(r'class="product-card-title">([^<]+)<', html)


def test_any_write_advances_the_version(live_tea):
    before = storefront_version()
    Product.objects.filter(pk=live_tea.pk).update(meta_title="Longjing")
    after_product = storefront_version()
    Sku.objects.filter(product=live_tea).update(barcode="6901234567892")
    after_sku = storefront_version()
    assert before < after_product < after_sku


def test_a_new_product_appears_on_cached_pages_at_once(client, shop, live_tea):
    url = f"/categories/{live_tea.category.slug}/"
    assert card_titles(client, url) == [live_tea.title]
    assert card_titles(client, url) == [live_tea.title]  # now from the cache

    other = publish(
        make_product(
            shop, live_tea.category, code="BLC", title="Bi Luo Chun", skus=[sku("B-1", "50.00")]
        ),
        shop=shop,
    )
    assert set(card_titles(client, url)) == {live_tea.title, other.title}
    assert other.title in client.get("/").content.decode()


def test_a_price_change_and_a_delisting_show_at_once(client, shop, live_tea):
    page = f"/products/{live_tea.pk}/{live_tea.slug}/"
    assert "¥88.00 – ¥168.00" in client.get(page).content.decode()

    data = product_data(
        live_tea.category,
        title=live_tea.title,
        variant_dimensions=["Size"],
        attributes=live_tea.attributes,
        skus=[
            sku("LJ-250", "78.00", Size="250g", id=live_tea.skus.get(code="LJ-250").pk),
            sku("LJ-500", "168.00", Size="500g", id=live_tea.skus.get(code="LJ-500").pk),
        ],
    )
    product_services.update_product(live_tea, shop=shop, actor=shop.owner, data=data)
    assert "¥78.00 – ¥168.00" in client.get(page).content.decode()

    listing.delist_product(live_tea, shop=shop, actor=shop.owner)
    assert client.get(page).status_code == 404
    assert card_titles(client, f"/categories/{live_tea.category.slug}/") == []


def test_a_renamed_category_shows_in_the_menu_at_once(client, live_tea):
    from catalog.services import categories as category_services

    food = live_tea.category.parent.parent
    assert ">Food</a>" in client.get("/").content.decode()
    food.name = "Groceries"
    category_services.save_category(food)
    html = client.get("/").content.decode()
    assert ">Groceries</a>" in html and ">Food</a>" not in html
    make_category("Drinks")
    assert ">Drinks</a>" in client.get("/").content.decode()


def test_pages_are_built_from_the_database_when_the_cache_is_down(client, live_tea, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    response = client.get(f"/products/{live_tea.pk}/{live_tea.slug}/")
    assert response.status_code == 200
    assert live_tea.title in response.content.decode()


def test_sales_do_not_empty_the_cache_but_selling_out_does(live_tea):
    from catalog.services import inventory

    sku_250 = live_tea.skus.get(code="LJ-250")  # 12 in stock
    before = storefront_version()
    inventory.reserve_stock([(sku_250.pk, 2)], order_ref="ORDER-1")
    inventory.commit_sale(order_ref="ORDER-1")
    assert storefront_version() == before  # 12 → 10: "in stock" either way

    Product.objects.filter(pk=live_tea.pk).update(sales_count=99)
    assert storefront_version() == before

    inventory.reserve_stock([(sku_250.pk, 6)], order_ref="ORDER-2")
    assert storefront_version() > before  # 10 → 4: "only 4 left" is shown
    low = storefront_version()
    inventory.reserve_stock([(sku_250.pk, 4)], order_ref="ORDER-3")
    assert storefront_version() > low  # sold out

    changed = storefront_version()
    Product.objects.filter(pk=live_tea.pk).update(title="West Lake Longjing, 2026 harvest")
    assert storefront_version() > changed
