"""Seller-center pages of the catalog: the journeys, the errors on the right field, and a
constant number of SQL queries whatever the page size."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import BulkJob, Product, ProductImage, Sku, StockMovement, Stocktake
from catalog.services import inventory, stocktakes
from tests.factories.accounts import UserFactory
from tests.factories.catalog import image_upload, make_product, sku
from tests.factories.shops import MembershipFactory


def product_post(category, **overrides):
    data = {
        "title": "West Lake Longjing green tea 250g",
        "code": "LJ",
        "description": "<p>Spring tea.</p>",
        "search_keywords": "longjing",
        "tags": "spring, gift",
        "attr_origin": "Hangzhou",
        "attr_net_weight": "250",
        "attr_grade": "special",
        "attr_organic": "yes",
        "dim1_name": "",
        "dim1_values": "",
        "sku-TOTAL_FORMS": "1",
        "sku-INITIAL_FORMS": "0",
        "sku-0-options": "{}",
        "sku-0-code": "LJ-250",
        "sku-0-price": "88.00",
        "sku-0-stock": "12",
        "sku-0-warning_line": "3",
        "action": "save",
    }
    data.update(overrides)
    return data


def test_the_menu_shows_products_and_inventory(seller_client):
    page = seller_client.get(reverse("seller:dashboard")).content.decode()
    assert reverse("seller:product-list") in page
    assert reverse("seller:inventory") in page


def test_choose_a_leaf_category_then_create_a_product(seller_client, shop, green_tea):
    choose = seller_client.get(reverse("seller:product-new"))
    assert "Food › Tea › Green tea" in choose.content.decode()
    url = reverse("seller:product-new") + f"?category={green_tea.pk}"
    form = seller_client.get(url)
    assert "Origin" in form.content.decode()  # the category's template shapes the form

    response = seller_client.post(url, product_post(green_tea))
    product = Product.objects.get(shop=shop)
    assert response.status_code == 302
    assert response["Location"] == reverse("seller:product-detail", args=[product.pk])
    assert product.attributes == {
        "origin": "Hangzhou",
        "net_weight": 250,
        "grade": "special",
        "organic": True,
    }
    assert product.tags == ["spring", "gift"]
    assert product.skus.get().stock == 12
    detail = seller_client.get(response["Location"]).content.decode()
    assert "Listing quality" in detail and "Add 6 more images" in detail


def test_variant_dimensions_build_the_matrix_keeping_typed_values(seller_client, shop, green_tea):
    url = reverse("seller:product-new") + f"?category={green_tea.pk}"
    data = product_post(
        green_tea,
        dim1_name="Colour",
        dim1_values="Red, Blue",
        dim2_name="Size",
        dim2_values="S，M",
        action="build",
    )
    data["sku-0-code"] = "KEEP"
    response = seller_client.post(url, data)
    formset = response.context["formset"]
    assert [f.option_values() for f in formset.forms] == [
        {"Colour": "Red", "Size": "S"},
        {"Colour": "Red", "Size": "M"},
        {"Colour": "Blue", "Size": "S"},
        {"Colour": "Blue", "Size": "M"},
    ]
    assert not Product.objects.exists()

    rows = {"sku-TOTAL_FORMS": "4", "sku-INITIAL_FORMS": "0"}
    for n, form in enumerate(formset.forms):
        rows[f"sku-{n}-options"] = json.dumps(form.option_values())
        rows[f"sku-{n}-code"] = f"CUP-{n}"
        rows[f"sku-{n}-price"] = "19.90"
        rows[f"sku-{n}-stock"] = str(n)
    data = product_post(
        green_tea,
        dim1_name="Colour",
        dim1_values="Red, Blue",
        dim2_name="Size",
        dim2_values="S，M",
        **rows,
    )
    response = seller_client.post(url, data)
    assert response.status_code == 302
    product = Product.objects.get()
    assert product.variant_dimensions == ["Colour", "Size"]
    assert product.skus.count() == 4 and product.total_stock == 6


def test_bad_input_is_shown_on_the_field_and_nothing_is_saved(seller_client, shop, green_tea):
    url = reverse("seller:product-new") + f"?category={green_tea.pk}"
    response = seller_client.post(
        url,
        product_post(
            green_tea,
            **{"title": "The best tea", "attr_net_weight": "heavy", "sku-0-price": "9.999"},
        ),
    )
    assert response.status_code == 200
    form, formset = response.context["form"], response.context["formset"]
    assert "net_weight" not in form.errors or form.errors  # the form's own type check
    assert formset.forms[0].errors["price"]
    assert not Product.objects.exists()

    response = seller_client.post(url, product_post(green_tea, title="The best tea in town"))
    assert "“best”" in response.context["form"].errors["title"][0]
    assert not Product.objects.exists()


def test_duplicate_sku_codes_are_named_on_their_rows(seller_client, shop, green_tea):
    url = reverse("seller:product-new") + f"?category={green_tea.pk}"
    rows = {
        "dim1_name": "Size", "dim1_values": "S, M", "sku-TOTAL_FORMS": "2",
        "sku-0-options": json.dumps({"Size": "S"}), "sku-0-code": "DUP", "sku-0-price": "1.00",
        "sku-1-options": json.dumps({"Size": "M"}), "sku-1-code": "DUP", "sku-1-price": "1.00",
    }  # fmt: skip
    response = seller_client.post(url, product_post(green_tea, **rows))
    assert "also used in row 1" in response.context["formset"].forms[1].errors["code"][0]
    assert not Sku.objects.exists()


def test_edit_publish_delist(seller_client, shop, product):
    from tests.factories.catalog import add_ready_image

    add_ready_image(product)
    edit_url = reverse("seller:product-edit", args=[product.pk])
    page = seller_client.get(edit_url)
    assert page.context["form"].initial["title"] == product.title
    sku_row = product.skus.get()
    data = product_post(
        product.category,
        title="West Lake Longjing, spring 2026",
        code="",
        **{
            "sku-0-sku_id": str(sku_row.pk),
            "sku-0-code": "LJ-250",
            "sku-0-price": "98.00",
            "sku-INITIAL_FORMS": "1",
        },
    )
    assert seller_client.post(edit_url, data).status_code == 302
    product.refresh_from_db()
    assert product.title == "West Lake Longjing, spring 2026"
    assert product.min_price == Decimal("98.00")
    assert product.skus.get().stock == 10  # stock is not changed by the product form

    seller_client.post(reverse("seller:product-publish", args=[product.pk]))
    product.refresh_from_db()
    assert product.state == "live"
    seller_client.post(reverse("seller:product-delist", args=[product.pk]))
    product.refresh_from_db()
    assert product.state == "delisted"


def test_publishing_an_incomplete_product_says_what_is_missing(seller_client, product):
    response = seller_client.post(reverse("seller:product-publish", args=[product.pk]), follow=True)
    assert "Add at least one image" in response.content.decode()
    product.refresh_from_db()
    assert product.state == "draft"


def test_image_upload_and_a_fake_image(seller_client, product, django_capture_on_commit_callbacks):
    url = reverse("seller:product-image-upload", args=[product.pk])
    with django_capture_on_commit_callbacks(execute=True):
        seller_client.post(
            url,
            {"images": [image_upload("a.png"), image_upload("b.jpg", fmt="JPEG")], "kind": "main"},
        )
    assert list(product.images.values_list("status", flat=True)) == ["ready", "ready"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("virus.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = seller_client.post(url, {"images": [fake], "kind": "main"}, follow=True)
    assert "virus.png" in response.content.decode()
    assert product.images.count() == 2
    first, second = product.images.order_by("position")
    seller_client.post(
        reverse("seller:product-image-move", args=[product.pk, second.pk]), {"direction": "up"}
    )
    assert list(product.images.order_by("position").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]
    seller_client.post(
        reverse("seller:product-image-kind", args=[product.pk, first.pk]), {"kind": "scene"}
    )
    assert ProductImage.objects.get(pk=first.pk).kind == "scene"
    seller_client.post(reverse("seller:product-image-delete", args=[product.pk, first.pk]))
    assert product.images.count() == 1


def test_stock_receive_adjust_and_alert_settings(seller_client, product):
    target = product.skus.get()
    url = reverse("seller:inventory-sku", args=[target.pk])
    seller_client.post(
        url, {"change-action": "receive", "change-quantity": "5", "change-reason": ""}
    )
    response = seller_client.post(
        url, {"change-action": "adjust", "change-quantity": "-50", "change-reason": "breakage"}
    )
    assert "cannot go below zero" in response.content.decode()
    seller_client.post(
        url, {"change-action": "adjust", "change-quantity": "-3", "change-reason": "breakage"}
    )
    seller_client.post(url, {"alert-warning_line": "20", "alert-lead_time_days": "4"})
    target.refresh_from_db()
    assert (target.stock, target.warning_line, target.lead_time_days) == (12, 20, 4)
    movements = StockMovement.objects.filter(sku=target).order_by("id")
    assert list(movements.values_list("kind", "quantity")) == [
        ("received", 10), ("received", 5), ("adjusted", -3),
    ]  # fmt: skip
    alerts = seller_client.get(reverse("seller:inventory-alerts")).content.decode()
    assert target.code in alerts


def test_a_stocktake_from_start_to_posting(seller_client, shop, product):
    response = seller_client.post(
        reverse("seller:stocktake-list"), {"title": "Shelf A", "query": ""}
    )
    take = Stocktake.objects.get()
    url = reverse("seller:stocktake-detail", args=[take.pk])
    assert response["Location"] == url
    line = take.lines.get()
    seller_client.post(url, {f"count-{line.pk}": "7"})
    page = seller_client.get(url)
    assert page.context["rows"][0][1] == -3
    bad = seller_client.post(url, {f"count-{line.pk}": "-2"})
    assert "whole numbers" in bad.content.decode()
    seller_client.post(url, {"post-reason": "Quarterly count"})
    take.refresh_from_db()
    assert take.state == "posted"
    assert product.skus.get().stock == 7


def test_import_page_refuses_wrong_columns_on_the_field_and_shows_progress(
    seller_client, shop, green_tea
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.csv", b"name,colour\nA,red\n", content_type="text/csv")
    response = seller_client.post(reverse("seller:catalog-bulk"), {"file": bad})
    assert "Unknown columns: name, colour." in response.context["import_form"].errors["file"][0]
    good = SimpleUploadedFile(
        "p.csv",
        (
            "product_code,title,category,sku_code,price,stock\n"
            f"P1,Green tea sample,{green_tea.slug},P1-1,9.9,3\n"
        ).encode(),
    )
    response = seller_client.post(reverse("seller:catalog-bulk"), {"file": good})
    job = BulkJob.objects.get()
    assert response["Location"] == reverse("seller:catalog-job", args=[job.pk])
    fragment = seller_client.get(
        reverse("seller:catalog-job-progress", args=[job.pk])
    ).content.decode()
    assert 'hx-trigger="every 1s"' in fragment  # queued: the page keeps polling
    from catalog.services import bulk

    bulk.run_job(job.pk)
    fragment = seller_client.get(
        reverse("seller:catalog-job-progress", args=[job.pk])
    ).content.decode()
    assert "hx-trigger" not in fragment and "1 saved, 0 refused" in fragment


def test_export_download(seller_client, shop, product):
    from catalog.services import bulk

    seller_client.post(reverse("seller:catalog-export"), {"format": "csv"})
    job = BulkJob.objects.get()
    bulk.run_job(job.pk)
    response = seller_client.get(reverse("seller:catalog-job-download", args=[job.pk, "result"]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.startswith("product_code,title,category,sku_code,price")
    assert "LJ-250" in body
    assert (
        seller_client.get(
            reverse("seller:catalog-job-download", args=[job.pk, "errors"])
        ).status_code
        == 404
    )
    template = seller_client.get(reverse("seller:catalog-import-template"))
    assert template["Content-Disposition"].startswith("attachment")


def test_a_role_without_the_section_is_refused(client, shop, product):
    analyst = MembershipFactory(shop=shop, role="analyst", user=UserFactory()).user
    client.force_login(analyst)
    assert client.get(reverse("seller:product-list")).status_code == 403
    assert client.get(reverse("seller:inventory")).status_code == 403
    fulfilment = MembershipFactory(shop=shop, role="fulfilment", user=UserFactory()).user
    client.force_login(fulfilment)
    assert client.get(reverse("seller:inventory")).status_code == 200
    assert client.get(reverse("seller:product-list")).status_code == 403


# --- Constant queries ---------------------------------------------------------------------------
@pytest.fixture
def many_products(shop, green_tea):
    for n in range(25):
        product = make_product(
            shop,
            green_tea,
            code=f"P{n}",
            title=f"Green tea number {n}",
            variant_dimensions=["Size"],
            skus=[
                sku(f"P{n}-S", "10.00", stock=5, Size="S"),
                sku(f"P{n}-M", "12.00", stock=1, Size="M"),
            ],
        )
        inventory.commit_sale(order_ref=f"O{n}", lines=[(product.skus.first().pk, 1)])
    stocktakes.start_stocktake(shop=shop, actor=shop.owner, title="All")


def count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("seller:product-list", 14),
        ("seller:inventory", 14),
        ("seller:inventory-ledger", 14),
        ("seller:inventory-alerts", 14),
        ("seller:stocktake-list", 14),
        ("seller:catalog-bulk", 14),
    ],
)
def test_list_pages_run_a_constant_number_of_queries(
    isolated_cache, seller_client, many_products, django_assert_max_num_queries, name, limit
):
    url = reverse(name)
    seller_client.get(url)  # warm the session cache: the first request reads it from the database
    small = count_queries(seller_client, url + "?per_page=20", django_assert_max_num_queries, limit)
    large = count_queries(
        seller_client, url + "?per_page=100", django_assert_max_num_queries, limit
    )
    assert small == large


def test_detail_pages_run_a_constant_number_of_queries(
    isolated_cache, seller_client, shop, many_products, django_assert_max_num_queries
):
    product = Product.objects.filter(shop=shop).first()
    take = Stocktake.objects.get()
    for url in (
        reverse("seller:product-detail", args=[product.pk]),
        reverse("seller:product-edit", args=[product.pk]),
        reverse("seller:inventory-sku", args=[product.skus.first().pk]),
    ):
        count_queries(seller_client, url, django_assert_max_num_queries, 20)
    url = reverse("seller:stocktake-detail", args=[take.pk])
    seller_client.get(url)
    small = count_queries(seller_client, url + "?per_page=20", django_assert_max_num_queries, 14)
    large = count_queries(seller_client, url + "?per_page=100", django_assert_max_num_queries, 14)
    assert small == large
