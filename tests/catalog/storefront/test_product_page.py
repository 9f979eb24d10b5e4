"""The product page: variant picker, stock state, shop card, specifications; canonical slugs and
404s for what is not on sale; the per-visitor CSRF token in a cached page; no inline scripts."""

import json
import re

import pytest
from django.test import Client

from catalog.models import Product
from catalog.services import listing
from shops import services as shop_services

pytestmark = pytest.mark.django_db


def url(product):
    return f"/products/{product.pk}/{product.slug}/"


def test_the_page_shows_variants_stock_shop_and_specifications(client, live_tea):
    html = client.get(url(live_tea)).content.decode()

    assert '<h1 class="product-title">西湖龙井 West Lake Longjing green tea</h1>' in html
    assert "¥88.00 – ¥168.00" in html
    # Variant picker: one radio per option value, a <select> of SKUs for browsers without JS.
    assert 'data-dimension="Size"' in html
    assert 'value="250g"' in html and 'value="500g"' in html
    assert "250g · ¥88.00 · In stock" in html and "500g · ¥168.00 · Sold out" in html
    found = re.search(r'id="variant-data" type="application/json">(.*?)</script>', html)
    data = json.loads(found[1])
    assert [(sku["options"], sku["state"]) for sku in data] == [
        ({"Size": "250g"}, "in_stock"),
        ({"Size": "500g"}, "out"),
    ]
    assert 'class="stock-state stock-in_stock"' in html  # the first SKU in stock is chosen
    # Shop card, specifications, description
    assert 'href="/shops/shop-a/"' in html and "Shop A Teahouse" in html
    assert "<dt>Origin</dt><dd>杭州西湖</dd>" in html
    assert "<dt>Grade</dt><dd>Special grade</dd>" in html
    assert "<dt>Net weight</dt><dd>250 g</dd>" in html
    assert "Hand-fried Longjing" in html
    assert 'action="/cart/add/"' in html or "Buying opens soon" in html


def test_low_stock_and_sold_out_states(client, shop, green_tea):
    from tests.catalog.storefront.conftest import publish
    from tests.factories.catalog import make_product, sku

    product = publish(
        make_product(shop, green_tea, code="ONE", skus=[sku("ONE-1", "10.00", stock=2)]),
        shop=shop,
    )
    html = client.get(url(product)).content.decode()
    assert "Only 2 left" in html
    Product.objects.filter(pk=product.pk).update(total_stock=0)
    from catalog.models import Sku

    Sku.objects.filter(product=product).update(stock=0)
    html = client.get(url(product)).content.decode()
    assert 'class="stock-state stock-out"' in html and "Sold out" in html
    assert "data-add-to-cart disabled" in html or "Buying opens soon" in html


def test_a_wrong_or_missing_slug_redirects_to_the_canonical_url(client, live_tea):
    response = client.get(f"/products/{live_tea.pk}/old-name/")
    assert response.status_code == 301 and response["Location"] == url(live_tea)
    response = client.get(f"/products/{live_tea.pk}/")
    assert response.status_code == 301 and response["Location"] == url(live_tea)


def test_products_not_on_sale_are_404(client, live_tea, shop, green_tea):
    from tests.factories.catalog import make_product, sku

    draft = make_product(shop, green_tea, code="D", skus=[sku("D-1", "5.00")])
    assert client.get(url(draft)).status_code == 404
    listing.delist_product(live_tea, shop=shop, actor=shop.owner)
    assert client.get(url(live_tea)).status_code == 404
    assert client.get("/products/999999/x/").status_code == 404


def test_a_suspended_shops_products_disappear(client, live_tea, live_cup, shop):
    from tests.factories.accounts import UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    shop_services.change_shop_state(shop=shop, to="suspended", actor=staff, reason="Checks")
    assert client.get(url(live_tea)).status_code == 404  # the product page checks the shop
    listing.sync_shop_listings(shop)  # what the shops chapter is to call on a state change
    html = client.get(f"/categories/{live_tea.category.slug}/").content.decode()
    assert live_tea.title not in html and live_cup.title in html


def test_each_visitor_gets_their_own_csrf_token_in_the_cached_page(client, live_tea):
    def token(browser):
        html = browser.get(url(live_tea)).content.decode()
        form = html[html.index("purchase-form") :]
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]

    first, second = token(client), token(Client())
    assert "storefront_csrf" not in first
    assert first != second


def test_no_inline_scripts(client, live_tea):
    """CSP allows scripts from files only; data for scripts travels as JSON blocks."""
    for page in ["/", url(live_tea), f"/categories/{live_tea.category.slug}/", "/search/?q=tea"]:
        html = client.get(page).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert (
                "src=" in tag
                or 'type="application/json"' in tag
                or ('type="application/ld+json"' in tag)
            ), (page, tag)
        assert " on" + "click=" not in html and " onchange=" not in html


def test_a_cached_product_page_goes_when_its_shop_is_suspended(client, live_tea, shop):
    from tests.factories.accounts import UserFactory

    assert client.get(url(live_tea)).status_code == 200  # now cached
    staff = UserFactory(is_staff=True, is_superuser=True)
    shop_services.change_shop_state(shop=shop, to="suspended", actor=staff, reason="Checks")
    assert client.get(url(live_tea)).status_code == 404
