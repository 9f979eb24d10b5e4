"""Creating and editing products: every bad input is named, nothing is half-written."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalog.errors import CatalogError
from catalog.models import Product, Sku, StockMovement
from catalog.services import products as services
from tests.factories.catalog import make_category, make_product, product_data, sku


def errors_of(call):
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def test_a_product_with_variants_is_created_with_its_matrix(shop, green_tea):
    product = make_product(
        shop,
        green_tea,
        variant_dimensions=["Colour", "Size"],
        skus=[
            sku(
                "CUP-R-S",
                "19.90",
                stock=3,
                Colour="Red",
                Size="S",
                cost_price="8.00",
                weight="0.250",
            ),
            sku("CUP-R-L", "29.90", stock=0, Colour="Red", Size="L", barcode="6901234567892"),
            sku("CUP-B-S", "19.90", stock=7, Colour="Blue", Size="S"),
        ],
        attributes={"origin": "Jingdezhen", "net_weight": "250", "grade": "特级", "organic": "yes"},
    )
    assert product.state == Product.State.DRAFT
    assert (product.min_price, product.max_price) == (Decimal("19.90"), Decimal("29.90"))
    assert product.total_stock == 10
    assert product.attributes == {
        "origin": "Jingdezhen",
        "net_weight": 250,
        "grade": "special",
        "organic": True,
    }
    skus = list(product.skus.order_by("position"))
    assert [s.option_key for s in skus] == ["Red / S", "Red / L", "Blue / S"]
    assert skus[0].cost_price == Decimal("8.00") and skus[0].weight == Decimal("0.250")
    assert product.shop_name == shop.name and product.category_path == green_tea.path
    assert product.slug == "west-lake-longjing-green-tea-250g"


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"title": "abc"}, "title", "at least"),
        ({"title": "x" * 121}, "title", "at most 120"),
        ({"title": "The best Longjing tea"}, "title", "“best”"),
        ({"title": "最好的西湖龙井茶叶"}, "title", "“最好”"),
        ({"description": "<p>高仿 goods</p>"}, "description", "“高仿”"),
        ({"attributes": {"net_weight": "heavy"}}, "attributes.net_weight", "whole number"),
        ({"attributes": {"grade": "premium"}}, "attributes.grade", "Special grade"),
        ({"attributes": {"organic": "maybe"}}, "attributes.organic", "yes or no"),
        ({"attributes": {"colour_temp": "3000"}}, "attributes.colour_temp", "not a specification"),
        ({"skus": []}, "skus", "at least one SKU"),
        ({"skus": [sku("A-1", "-1.00")]}, "skus[0].price", "negative"),
        ({"skus": [sku("A-1", "9.999")]}, "skus[0].price", "more than 2 decimal places"),
        ({"skus": [sku("A-1", "abc")]}, "skus[0].price", "must be a number"),
        ({"skus": [sku("A-1", "9.90", stock=-2)]}, "skus[0].stock", "negative"),
        ({"skus": [sku("A-1", "9.90", stock="2.5")]}, "skus[0].stock", "whole number"),
        ({"skus": [sku("A 1", "9.90")]}, "skus[0].code", "no spaces"),
        ({"skus": [sku("A-1", "9.90", barcode="12ab")]}, "skus[0].barcode", "8 to 14 digits"),
        ({"video_url": "javascript:alert(1)"}, "video_url", "https://"),
        (
            {"variant_dimensions": ["Colour", "Size", "Material", "Fit"]},
            "variant_dimensions",
            "At most 3",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(shop, green_tea, overrides, field, fragment):
    errors = errors_of(lambda: make_product(shop, green_tea, **overrides))
    assert field in errors, errors
    assert any(fragment in message for message in errors[field]), errors[field]
    assert not Product.objects.exists()
    assert not Sku.objects.exists()
    assert not StockMovement.objects.exists()


def test_duplicate_sku_codes_and_variants_are_refused_naming_the_rows(shop, green_tea):
    errors = errors_of(
        lambda: make_product(
            shop,
            green_tea,
            variant_dimensions=["Size"],
            skus=[
                sku("CUP-1", "10.00", Size="S"),
                sku("CUP-1", "10.00", Size="M"),
                sku("CUP-3", "10.00", Size="S"),
            ],
        )
    )
    assert "row 1" in errors["skus[1].code"][0]
    assert "“S” is also in row 1" in errors["skus[2].options"][0]
    assert not Product.objects.exists()


def test_a_sku_code_of_another_product_of_the_shop_is_refused(shop, green_tea):
    make_product(shop, green_tea, skus=[sku("TEA-1", "10.00")])
    errors = errors_of(
        lambda: make_product(
            shop, green_tea, title="Another green tea", skus=[sku("TEA-1", "12.00")]
        )
    )
    assert "already used" in errors["skus[0].code"][0]
    assert Product.objects.count() == 1


def test_the_same_sku_code_in_another_shop_is_fine(shop, other_shop, green_tea):
    make_product(shop, green_tea, skus=[sku("TEA-1", "10.00")])
    make_product(other_shop, green_tea, skus=[sku("TEA-1", "10.00")])
    assert Sku.objects.filter(code="TEA-1").count() == 2


def test_options_must_match_the_dimensions(shop, green_tea):
    errors = errors_of(
        lambda: make_product(
            shop, green_tea, variant_dimensions=["Size"], skus=[sku("A-1", "1.00", Colour="Red")]
        )
    )
    assert "Size" in errors["skus[0].options"][0]


def test_only_a_leaf_category_is_accepted(shop, green_tea):
    parent = green_tea.parent
    errors = errors_of(lambda: make_product(shop, parent))
    assert "subcategories" in errors["category"][0]


def test_the_description_is_sanitised(shop, green_tea):
    product = make_product(
        shop,
        green_tea,
        description='<p onclick="steal()">Fresh <script>alert(1)</script>'
        '<a href="javascript:x">tea</a>'
        '<img src="https://img.example/tea.jpg" onerror="x"></p>',
    )
    assert "script" not in product.description
    assert "onclick" not in product.description and "onerror" not in product.description
    assert "javascript" not in product.description
    assert '<img src="https://img.example/tea.jpg">' in product.description


def test_a_restricted_shop_cannot_create_products(shop, green_tea):
    shop.state = shop.State.RESTRICTED
    shop.save()
    with pytest.raises(CatalogError) as error:
        make_product(shop, green_tea)
    assert error.value.code == "shop_cannot_list"


def test_editing_keeps_skus_by_options_and_deactivates_removed_ones_with_history(shop, green_tea):
    product = make_product(
        shop,
        green_tea,
        variant_dimensions=["Size"],
        skus=[sku("T-S", "10.00", stock=5, Size="S"), sku("T-M", "12.00", Size="M")],
    )
    small = product.skus.get(code="T-S")
    medium = product.skus.get(code="T-M")
    data = product_data(
        green_tea,
        variant_dimensions=["Size"],
        skus=[sku("T-M2", "13.00", Size="M"), sku("T-L", "15.00", stock=2, Size="L")],
    )
    services.update_product(product, shop=shop, actor=shop.owner, data=data)
    small.refresh_from_db()
    medium.refresh_from_db()
    assert small.is_active is False  # it has stock history: kept, off sale
    assert (medium.code, medium.price, medium.is_active) == ("T-M2", Decimal("13.00"), True)
    product.refresh_from_db()
    assert (product.min_price, product.max_price, product.total_stock) == (
        Decimal("13.00"),
        Decimal("15.00"),
        2,
    )


def test_two_skus_may_swap_codes(shop, green_tea):
    product = make_product(
        shop,
        green_tea,
        variant_dimensions=["Size"],
        skus=[sku("A", "10.00", Size="S"), sku("B", "12.00", Size="M")],
    )
    data = product_data(
        green_tea,
        variant_dimensions=["Size"],
        skus=[sku("B", "10.00", Size="S"), sku("A", "12.00", Size="M")],
    )
    services.update_product(product, shop=shop, actor=shop.owner, data=data)
    assert dict(product.skus.values_list("option_key", "code")) == {"S": "B", "M": "A"}


def test_a_product_with_stock_history_cannot_be_deleted(shop, product):
    with pytest.raises(CatalogError) as error:
        services.delete_product(product, shop=shop, actor=shop.owner)
    assert "Delist" in str(error.value.message)
    assert Product.objects.filter(pk=product.pk).exists()


def test_a_fresh_draft_can_be_deleted(shop, green_tea):
    product = make_product(shop, green_tea, skus=[sku("NEW-1", "5.00")])
    services.delete_product(product, shop=shop, actor=shop.owner)
    assert not Product.objects.filter(pk=product.pk).exists()


def test_category_paths_follow_moves(shop, green_tea):
    from catalog.services.categories import save_category

    product = make_product(shop, green_tea)
    drinks = make_category("Drinks", name_zh="饮品")
    tea = green_tea.parent
    tea.parent = drinks
    save_category(tea)
    green_tea.refresh_from_db()
    product.refresh_from_db()
    assert green_tea.path == f"/{drinks.pk}/{tea.pk}/{green_tea.pk}/"
    assert green_tea.depth == 2
    assert product.category_path == green_tea.path


def test_a_category_with_products_gets_no_subcategories(shop, product, green_tea):
    with pytest.raises(ValidationError):
        make_category("Longjing", parent=green_tea)
