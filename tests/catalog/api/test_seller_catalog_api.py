"""The seller catalog API: products with SKUs, SKUs, images, stock movements; errors name fields."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import Product, ProductImage, Sku, StockMovement
from tests.factories.catalog import image_upload, make_product, sku

PRODUCTS = "/api/v1/seller/products/"


@pytest.fixture
def api(shop):
    client = APIClient()
    client.force_authenticate(shop.owner)
    return client


def payload(leaf, **overrides):
    data = {
        "title": "Celadon tea cup with saucer",
        "category": leaf.pk,
        "code": "CUP",
        "description": "<p>Longquan celadon.</p>",
        "attributes": {"origin": "Longquan", "grade": "first"},
        "variant_dimensions": ["Colour"],
        "tags": ["gift"],
        "search_keywords": "celadon, tea cup",
        "skus": [
            {"code": "CUP-G", "price": "39.00", "options": {"Colour": "Green"}, "stock": 5},
            {
                "code": "CUP-B",
                "price": "42.50",
                "options": {"Colour": "Blue"},
                "stock": 2,
                "warning_line": 1,
            },
        ],
    }
    data.update(overrides)
    return data


def test_create_read_update_a_product_with_its_skus(api, shop, green_tea):
    response = api.post(PRODUCTS, payload(green_tea), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft"
    assert (body["min_price"], body["max_price"], body["total_stock"]) == ("39.00", "42.50", 7)
    assert [row["code"] for row in body["sku_list"]] == ["CUP-G", "CUP-B"]
    assert any("images" in message for message in body["quality_messages"])

    url = f"{PRODUCTS}{body['id']}/"
    response = api.patch(url, {"title": "Celadon tea cup, green or blue"}, format="json")
    assert response.status_code == 200
    assert response.json()["sku_list"][0]["stock"] == 5  # SKUs untouched by a partial update
    response = api.patch(
        url,
        {
            "skus": [
                {
                    "id": body["sku_list"][0]["id"],
                    "code": "CUP-G",
                    "price": "45.00",
                    "options": {"Colour": "Green"},
                }
            ]
        },
        format="json",
    )
    assert response.json()["min_price"] == "45.00"
    assert Sku.objects.get(code="CUP-B").is_active is False  # has stock history: kept, off sale


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "Best tea cup ever"}, "title"),
        ({"attributes": {"grade": "premium"}}, "attributes.grade"),
        ({"attributes": {"net_weight": "heavy"}}, "attributes.net_weight"),
        ({"skus": [{"code": "A", "price": "1.005", "options": {"Colour": "Red"}}]}, "skus"),
        ({"skus": [{"code": "A", "price": "-1", "options": {"Colour": "Red"}}]}, "skus"),
        (
            {"skus": [{"code": "A", "price": "1", "options": {"Colour": "Red"}, "stock": -1}]},
            "skus",
        ),
        (
            {
                "skus": [
                    {"code": "A", "price": "1", "options": {"Colour": "Red"}},
                    {"code": "A", "price": "1", "options": {"Colour": "Blue"}},
                ]
            },
            "skus[1].code",
        ),
        ({"skus": [{"code": "A", "price": "1", "options": {"Size": "M"}}]}, "skus[0].options"),
        ({"colour": "red"}, "colour"),
        ({"category": 999999}, "category"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(api, green_tea, change, field):
    response = api.post(PRODUCTS, payload(green_tea, **change), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"], response.json()
    assert not Product.objects.exists() and not StockMovement.objects.exists()


def test_publish_refusal_lists_what_is_missing_then_succeeds(
    api, shop, green_tea, django_capture_on_commit_callbacks
):
    product_id = api.post(PRODUCTS, payload(green_tea), format="json").json()["id"]
    response = api.post(f"{PRODUCTS}{product_id}/publish/")
    assert response.status_code == 400
    assert "image" in response.json()["error"]["message"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/seller/product-images/",
            {"product": product_id, "image": image_upload(), "kind": "main"},
            format="multipart",
        )
    assert response.status_code == 201, response.json()
    assert ProductImage.objects.get().status == "ready"
    response = api.post(f"{PRODUCTS}{product_id}/publish/")
    assert response.status_code == 200 and response.json()["state"] == "live"
    response = api.post(f"{PRODUCTS}{product_id}/publish/")
    assert response.status_code == 409  # already live


def test_a_fake_image_is_a_400(api, product):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"<?php evil(); ?>", content_type="image/jpeg")
    response = api.post(
        "/api/v1/seller/product-images/", {"product": product.pk, "image": fake}, format="multipart"
    )
    assert response.status_code == 400
    assert "images" in response.json()["error"]["fields"]
    assert not ProductImage.objects.exists()


def test_stock_movements_receive_adjust_and_refuse_below_zero(api, product):
    target = product.skus.get()
    url = "/api/v1/seller/stock-movements/"
    response = api.post(
        url, {"sku": target.pk, "kind": "received", "quantity": 5, "reason": "PO-7"}, format="json"
    )
    assert response.status_code == 201 and response.json()["stock_after"] == 15
    response = api.post(
        url,
        {"sku": target.pk, "kind": "adjusted", "quantity": -20, "reason": "lost"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "stock_below_zero"
    response = api.post(url, {"sku": target.pk, "kind": "sold", "quantity": -1}, format="json")
    assert response.status_code == 400 and "kind" in response.json()["error"]["fields"]
    target.refresh_from_db()
    assert target.stock == 15
    listing = api.get(url, {"sku": target.pk}).json()
    assert [row["kind"] for row in listing["results"]] == ["received", "received"]


def test_another_shops_sku_is_unknown_when_creating_a_movement(api, other_shop, green_tea):
    theirs = make_product(other_shop, green_tea, skus=[sku("B-1", "1.00", stock=3)]).skus.get()
    response = api.post(
        "/api/v1/seller/stock-movements/",
        {"sku": theirs.pk, "kind": "received", "quantity": 5},
        format="json",
    )
    assert response.status_code == 400 and "sku" in response.json()["error"]["fields"]
    theirs.refresh_from_db()
    assert theirs.stock == 3


def test_sku_endpoint_changes_price_and_alert_settings_not_stock(api, product):
    target = product.skus.get()
    url = f"/api/v1/seller/skus/{target.pk}/"
    response = api.patch(url, {"price": "77.70", "warning_line": 12}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["price"], response.json()["warning_line"]) == ("77.70", 12)
    product.refresh_from_db()
    assert str(product.min_price) == "77.70"
    assert api.patch(url, {"stock": 500}, format="json").status_code == 400
    assert api.patch(url, {"price": "1.234"}, format="json").status_code == 400


def test_categories_with_templates_are_public(green_tea):
    response = APIClient().get("/api/v1/categories/", {"is_leaf": "true"})
    assert response.status_code == 200
    (leaf,) = response.json()
    assert [a["code"] for a in leaf["attributes"]] == ["origin", "net_weight", "grade", "organic"]


def test_list_queries_are_constant(
    isolated_cache, api, shop, green_tea, django_assert_max_num_queries
):
    for n in range(12):
        make_product(shop, green_tea, code=f"P{n}", skus=[sku(f"P{n}-1", "1.00", stock=1)])
    api.get(PRODUCTS)
    for size in (5, 12):
        with django_assert_max_num_queries(8):
            response = api.get(PRODUCTS, {"page_size": size})
        assert len(response.json()["results"]) == size
    for url in (
        "/api/v1/seller/skus/",
        "/api/v1/seller/stock-movements/",
        "/api/v1/seller/product-images/",
    ):
        with django_assert_max_num_queries(8):
            assert api.get(url, {"page_size": 50}).status_code == 200


def test_the_schema_documents_the_catalog_routes(client):
    schema = client.get(reverse("api-schema")).content.decode()
    for path in (
        "/api/v1/seller/products/{id}/publish/",
        "/api/v1/seller/stock-movements/",
        "/api/v1/categories/",
    ):
        assert path in schema
