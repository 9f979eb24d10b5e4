"""The catalog in a real browser (issue 5, item 12): a seller creates a product with variants and
images in the seller center and publishes it; a buyer finds it by searching in Chinese, opens
it, picks a variant and sees its price and stock; the category page filters by price and
attribute. Screenshots go to test-artifacts/screenshots/catalog-*.png.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from catalog.models import Product
from tests.factories.accounts import PASSWORD
from tests.factories.catalog import tea_category
from tests.factories.shops import MembershipFactory, ShopFactory

pytestmark = [pytest.mark.e2e]

TITLE = "明前西湖龙井 West Lake Longjing green tea"


@pytest.fixture(autouse=True)
def _serve_media(settings, media_root, live_server, reference_data):
    settings.ROOT_URLCONF = "tests.e2e.media_urls"


@pytest.fixture
def seller(db):
    tea_category()  # Food › Tea › Green tea, with origin (required), grade, weight, organic
    shop = ShopFactory(name="Jade Tea House", slug="jade-tea-house")
    return MembershipFactory(shop=shop, role="owner").user


def picture(name: str, colour, label: str) -> dict:
    image = Image.new("RGB", (800, 800), (245, 241, 230))
    draw = ImageDraw.Draw(image)
    draw.ellipse((160, 220, 640, 700), fill=colour)
    draw.rectangle((300, 120, 500, 260), fill=(120, 90, 60))
    draw.text((40, 40), label, fill=(60, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": buffer.getvalue()}


def sign_in(page, email, password=PASSWORD):
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.get_by_label("E-mail address").fill(email)
    form.get_by_label("Password").fill(password)
    with page.expect_navigation():
        form.get_by_role("button", name="Sign in").click()


def create_and_publish(page, screenshot):
    page.goto("/seller/products/new/")
    select = page.get_by_label("Category")
    label = select.locator("option", has_text="Green tea").text_content()
    select.select_option(label=label)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()

    page.locator("#id_title").fill(TITLE)
    page.locator("#id_code").fill("LJ-MQ")
    page.locator("#id_description").fill("<p>Hand-fried before Qingming in Meijiawu.</p>")
    page.locator("#id_search_keywords").fill("龙井, 明前茶, longjing")
    page.locator("#id_attr_origin").fill("杭州西湖")
    page.locator("#id_attr_grade").select_option(label="Special grade")
    page.locator("#id_dim1_name").fill("Size")
    page.locator("#id_dim1_values").fill("250g, 500g")
    with page.expect_navigation():
        page.get_by_role("button", name="Update the variant table").click()

    rows = page.locator("table.sku-table tbody tr")
    expect(rows).to_have_count(2)
    for index, (code, price, stock) in enumerate(
        [("LJ-MQ-250", "128.00", "20"), ("LJ-MQ-500", "238.00", "3")]
    ):
        row = rows.nth(index)
        row.locator("input[name$='-code']").fill(code)
        row.locator("input[name$='-price']").fill(price)
        row.locator("input[name$='-stock']").fill(stock)
    screenshot(page, "catalog-seller-product-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Longjing")

    page.locator("#id_images").set_input_files(
        [
            picture("tea-1.png", (96, 140, 60), "front"),
            picture("tea-2.png", (150, 170, 90), "leaves"),
            picture("tea-3.png", (200, 190, 140), "cup"),
        ]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Upload").click()
    page.reload()  # the images were processed after the upload's commit
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    screenshot(page, "catalog-seller-product-published")
    product = Product.objects.get(code="LJ-MQ")
    assert product.state == Product.State.LIVE, product.state
    assert product.image_count == 3
    return product


def test_a_seller_publishes_and_a_buyer_finds_it_in_chinese(page, new_page, seller, screenshot):
    sign_in(page, seller.email)
    product = create_and_publish(page, screenshot)

    buyer = new_page(locale="zh-CN")
    buyer.goto("/")
    expect(buyer.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(buyer.locator(".category-menu")).to_contain_text("食品")
    screenshot(buyer, "catalog-home-zh")

    search_box = buyer.locator("header .search-box input[name=q]")
    search_box.fill("龙井")
    with buyer.expect_navigation():
        search_box.press("Enter")
    results = buyer.locator(".product-grid .product-card")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("West Lake Longjing")
    expect(results.first).to_contain_text("¥128.00")
    screenshot(buyer, "catalog-search-zh")

    with buyer.expect_navigation():
        results.first.locator("a.product-card-link").click()
    expect(buyer).to_have_url(re.compile(rf"/products/{product.pk}/[\w-]+/$"))
    expect(buyer.get_by_role("heading", level=1)).to_have_text(TITLE)
    price = buyer.locator("[data-price]")
    stock = buyer.locator("[data-stock-state]")
    expect(price).to_have_text("¥128.00")  # the first variant in stock is chosen
    # The picker: one button per size; the <select> fallback is hidden when JavaScript runs.
    expect(buyer.locator("select[data-sku-select]")).to_be_hidden()
    buyer.locator("label.variant-option", has_text="500g").click()
    expect(price).to_have_text("¥238.00")
    expect(stock).to_have_class(re.compile("stock-low"))
    expect(buyer.locator(".shop-card")).to_contain_text("Jade Tea House")
    expect(buyer.locator(".product-specs")).to_contain_text("杭州西湖")
    # The gallery switches images.
    thumbs = buyer.locator("[data-gallery-thumb]")
    expect(thumbs).to_have_count(3)
    thumbs.nth(1).click()
    expect(thumbs.nth(1)).to_have_attribute("aria-current", "true")
    screenshot(buyer, "catalog-product-zh")


def test_browse_a_category_with_filters_on_desktop_and_phone(page, mobile_page, seller, screenshot):
    from catalog.services import listing
    from shops.models import Membership
    from tests.factories.catalog import add_ready_image, make_product, sku

    shop = Membership.objects.get(user=seller).shop
    green_tea = tea_category_leaf()
    for code, title, price, grade in [
        ("A", "Longjing spring harvest", "88.00", "special"),
        ("B", "Biluochun from Dongting", "56.00", "first"),
        ("C", "Anji white tea", "142.00", "special"),
    ]:
        product = make_product(
            shop,
            green_tea,
            actor=seller,
            code=code,
            title=title,
            attributes={"origin": "Zhejiang", "grade": grade},
            skus=[sku(f"{code}-1", price, stock=5)],
        )
        add_ready_image(product)
        listing.publish_product(product, shop=shop, actor=seller)

    page.goto(f"/categories/{green_tea.slug}/")
    expect(page.locator(".product-card")).to_have_count(3)
    page.get_by_label("Special grade").check()  # filters apply themselves on change
    expect(page.locator(".product-card")).to_have_count(2)
    page.get_by_label("Sort by").select_option("price")
    expect(page.locator(".product-card-title").first).to_have_text("Longjing spring harvest")
    screenshot(page, "catalog-category-filtered")

    mobile_page.goto(f"/categories/{green_tea.slug}/")
    expect(mobile_page.locator(".product-card")).to_have_count(3)
    overflow = mobile_page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the phone screen"
    screenshot(mobile_page, "catalog-category-mobile")


def tea_category_leaf():
    from catalog.models import Category

    return Category.objects.get(name="Green tea")
