"""The public catalogue API: browse and search with the storefront's filters, one product with
its SKUs, anyone may read, nobody may write, throttled per client."""

import pytest
from django.core.cache import cache

from catalog.api import public
from tests.catalog.storefront.conftest import clone_live_products

pytestmark = pytest.mark.django_db


def test_anyone_can_browse_and_search(api_client, live_tea, live_cup):
    response = api_client.get("/api/v1/products/", {"q": "绿茶", "sort": "price"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["count_is_lower_bound"] is False
    first = body["results"][0]
    assert first["title"] == live_cup.title
    assert first["min_price"] == "39.00" and first["currency"] == "CNY"
    assert first["shop"] == {"slug": "shop-b", "name": "Shop B Ceramics"}
    assert first["url"] == f"http://127.0.0.1:8000/products/{live_cup.pk}/{live_cup.slug}/"
    assert first["in_stock"] is True


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"price_min": "50"}, {"tea"}),
        ({"shop": "shop-b"}, {"cup"}),
        ({"category": "__green__", "attr_grade": "special"}, {"tea"}),
        ({"q": "longjing"}, {"tea"}),
        ({"q": "nothing-like-this"}, set()),
    ],
)
def test_filters(api_client, live_tea, live_cup, params, expected):
    names = {"tea": live_tea.title, "cup": live_cup.title}
    if params.get("category") == "__green__":
        params = {**params, "category": live_tea.category.slug}
    body = api_client.get("/api/v1/products/", params).json()
    assert {row["title"] for row in body["results"]} == {names[k] for k in expected}


def test_bad_parameters_are_a_400_naming_them(api_client, db):
    response = api_client.get("/api/v1/products/", {"price_min": "1.001", "sort": "cheap"})
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"price_min", "sort"}


def test_pages_are_bounded(api_client, live_tea):
    clone_live_products(live_tea, 30)
    body = api_client.get("/api/v1/products/", {"page_size": 10, "page": 2}).json()
    assert body["count"] == 31 and body["pages"] == 4 and len(body["results"]) == 10
    assert "page=3" in body["next"] and body["previous"].endswith("/api/v1/products/?page_size=10")
    assert api_client.get("/api/v1/products/", {"page": 9}).status_code == 404
    too_big = api_client.get("/api/v1/products/", {"page_size": 1000}).json()
    assert len(too_big["results"]) == 31  # capped at 96 per page


def test_one_product_with_skus_images_and_specifications(api_client, live_tea):
    body = api_client.get(f"/api/v1/products/{live_tea.pk}/").json()
    assert body["title"] == live_tea.title
    assert [(s["code"], s["price"], s["stock_state"]) for s in body["skus"]] == [
        ("LJ-250", "88.00", "in_stock"),
        ("LJ-500", "168.00", "out"),
    ]
    assert body["variant_dimensions"] == ["Size"]
    assert {"name": "Origin", "value": "杭州西湖"} in body["specifications"]
    assert [c["name"] for c in body["category"]] == ["Food", "Tea", "Green tea"]
    assert body["images"][0]["detail"].startswith("http://127.0.0.1:8000/media/")
    assert "<p>Hand-fried" in body["description"]


def test_products_not_on_sale_are_404_and_nothing_can_be_written(
    api_client, user_api_client, live_tea, shop, green_tea
):
    from tests.factories.catalog import make_product, sku

    draft = make_product(shop, green_tea, code="D", skus=[sku("D-1", "5.00")])
    assert api_client.get(f"/api/v1/products/{draft.pk}/").status_code == 404
    assert api_client.get("/api/v1/products/abc/").status_code == 404
    for method in ("post", "put", "patch", "delete"):
        url = "/api/v1/products/" if method == "post" else f"/api/v1/products/{live_tea.pk}/"
        assert getattr(user_api_client, method)(url, {}).status_code == 405


def test_anonymous_clients_are_throttled(api_client, live_tea, monkeypatch):
    monkeypatch.setattr(public.CatalogAnonThrottle, "rate", "3/min")
    cache.clear()
    statuses = [api_client.get("/api/v1/products/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
