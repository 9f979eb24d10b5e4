"""The orders chapter in a real browser (issue 6, item 11), with the offline provider:

a guest adds products from two shops to the cart, signs in (the cart merges), checks out in three
steps (address, review and pay, done), pays once on the test-mode page and sees two orders, one
per shop, each with its own state and timeline; each seller finds the paid order in the order desk
with its processing clock, accepts it (one from the detail page, one in bulk) and prints the
packing slip.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from catalog.models import Product
from orders.models import Order
from tests.factories.accounts import PASSWORD, AddressFactory, UserFactory
from tests.factories.catalog import add_ready_image
from tests.factories.orders import fill_cart, live_product, order_category
from tests.factories.shops import MembershipFactory, ShopFactory

pytestmark = [pytest.mark.e2e]


@pytest.fixture(autouse=True)
def _serve_media(settings, media_root, live_server, reference_data):
    settings.ROOT_URLCONF = "tests.e2e.media_urls"


def sign_in(page, email, password=PASSWORD):
    form = page.locator("main form")
    form.get_by_label("E-mail address").fill(email)
    form.get_by_label("Password").fill(password)
    with page.expect_navigation():
        form.get_by_role("button", name="Sign in").click()


def product_page(product: Product) -> str:
    return f"/products/{product.pk}/{product.slug}/"


def add_to_cart(page, product: Product, quantity: int):
    page.goto(product_page(product))
    expect(page.get_by_role("heading", name=product.title)).to_be_visible()
    page.get_by_label("Quantity").fill(str(quantity))
    with page.expect_navigation():
        page.get_by_role("button", name="Add to cart").click()


@pytest.fixture
def world(db):
    category = order_category()
    teahouse = ShopFactory(name="Jade Tea House", slug="jade-tea-house")
    kiln = ShopFactory(name="Longquan Kiln", slug="longquan-kiln")
    sellers = {}
    for shop in (teahouse, kiln):
        sellers[shop.slug] = MembershipFactory(shop=shop, role="owner").user
    cup = live_product(
        teahouse, price="88.00", stock=10, category=category, title="Celadon tea cup"
    )
    bowl = live_product(
        kiln, price="35.50", stock=6, category=category, title="Stoneware rice bowl"
    )
    for product in (cup, bowl):
        add_ready_image(product)
    buyer = UserFactory(email="zhang.min@example.com", display_name="Zhang Min")
    AddressFactory(
        user=buyer,
        recipient="张敏",
        province="上海市",
        city="上海市",
        district="浦东新区",
        detail="世纪大道 100 号 8 楼",
        is_default=True,
    )
    # The buyer had put one cup in the cart on another device: it merges with the guest's.
    fill_cart(buyer, (cup.skus.get(), 1))
    return {"cup": cup, "bowl": bowl, "buyer": buyer, "sellers": sellers}


def test_guest_cart_to_two_paid_orders_to_the_sellers_desks(page, new_page, world, screenshot):
    cup, bowl, buyer = world["cup"], world["bowl"], world["buyer"]

    # A guest adds products from two shops.
    add_to_cart(page, cup, 2)
    expect(page).to_have_url(re.compile(r"/cart/$"))
    add_to_cart(page, bowl, 1)
    expect(page.locator(".cart-shop")).to_have_count(2)
    expect(page.locator(".cart-link .badge")).to_have_text("3")
    expect(page.locator(".cart-summary")).to_contain_text("¥211.50")
    screenshot(page, "orders-01-guest-cart-two-shops")

    # Checking out asks to sign in; the cart merges (2 + 1 cups, 1 bowl).
    with page.expect_navigation():
        page.get_by_role("link", name="Check out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(page, buyer.email)
    expect(page).to_have_url(re.compile(r"/checkout/$"))
    expect(page.locator(".cart-link .badge")).to_have_text("4")

    # Step 1: the saved address.
    expect(page.locator(".checkout-steps [aria-current=step]")).to_have_text("Address")
    expect(page.get_by_label(re.compile("张敏"))).to_be_checked()
    screenshot(page, "orders-02-step1-address")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to review").click()

    # Step 2: review, a note for one shop, a personal invoice, the test-mode notice.
    expect(page.locator(".checkout-steps [aria-current=step]")).to_have_text("Review and pay")
    expect(page.locator(".cart-shop")).to_have_count(2)
    expect(page.locator(".test-mode-badge")).to_be_visible()
    total = page.locator("[data-grand-total]").inner_text()
    assert total == "¥319.50", total  # 3 × 88.00 + 35.50 + two ¥10.00 parcels
    page.locator(".cart-shop").filter(has_text="Jade Tea House").get_by_label(
        "Note to the seller"
    ).fill("A gift: no price tags, please.")
    page.get_by_label("Personal").check()
    page.get_by_label("Invoice made out to").fill("Zhang Min")
    screenshot(page, "orders-03-step2-review")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Place order and pay")).click()

    # The offline provider's page, clearly test mode; paying sends a signed event.
    expect(page.locator(".test-mode-banner")).to_contain_text("TEST MODE")
    expect(page.get_by_role("heading", name="Pay ¥319.50")).to_be_visible()
    screenshot(page, "orders-04-test-payment")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Pay ¥319\.50 \(test\)")).click()

    # Step 3: done, paid (the page would poll while the confirmation is on its way).
    expect(page.locator(".checkout-steps [aria-current=step]")).to_have_text("Done")
    expect(page.locator("#payment-status")).to_contain_text("Payment received", timeout=10_000)
    expect(page.locator(".done-orders .card")).to_have_count(2)
    screenshot(page, "orders-05-step3-done")
    expect(page.locator(".cart-link .badge")).to_have_count(0)

    # Two orders, one per shop, each paid with its own timeline.
    page.goto("/orders/")
    expect(page.locator(".order-card")).to_have_count(2)
    expect(page.locator(".order-card .pill")).to_have_text(["Paid", "Paid"])
    screenshot(page, "orders-06-my-orders")
    orders = {o.shop.slug: o for o in Order.objects.select_related("shop")}
    page.goto(f"/orders/{orders['jade-tea-house'].number}/")
    expect(page.locator(".order-timeline li")).to_have_count(2)
    expect(page.locator(".order-timeline")).to_contain_text("Payment received")
    screenshot(page, "orders-07-order-detail")

    # Seller of the tea house: the desk with the processing clock; accept from the detail page.
    tea = new_page(locale="en-US")
    tea.goto("/accounts/login/?next=/seller/orders/")
    sign_in(tea, world["sellers"]["jade-tea-house"].email)
    row = tea.locator(".desk-table tbody tr").filter(has_text=orders["jade-tea-house"].number)
    expect(row.locator(".clock")).to_contain_text("min left")
    expect(tea.locator(".seller-sidebar [aria-current=page]")).to_have_text("Orders")
    screenshot(tea, "orders-08-seller-desk")
    with tea.expect_navigation():
        row.get_by_role("link", name=orders["jade-tea-house"].number).click()
    expect(tea.locator(".buyer-note")).to_contain_text("A gift: no price tags")
    with tea.expect_navigation():
        tea.get_by_role("button", name="Accept the order").click()
    expect(tea.locator(".page-head .pill")).to_have_text("Accepted")
    expect(tea.locator(".order-timeline")).to_contain_text("Accepted by the seller.")
    screenshot(tea, "orders-09-seller-order-accepted")
    with tea.expect_popup() as popup:
        tea.get_by_role("link", name="Packing slip").click()
    slip = popup.value
    expect(slip.locator(".slip")).to_contain_text("世纪大道 100 号 8 楼")
    screenshot(slip, "orders-10-packing-slip")

    # Seller of the kiln: bulk accept from the list.
    kiln = new_page(locale="en-US")
    kiln.goto("/accounts/login/?next=/seller/orders/")
    sign_in(kiln, world["sellers"]["longquan-kiln"].email)
    kiln.get_by_label(f"Tick order {orders['longquan-kiln'].number}").check()
    with kiln.expect_navigation():
        kiln.get_by_role("button", name="Accept ticked orders").click()
    expect(kiln.locator(".messages")).to_contain_text("1 order accepted.")
    expect(kiln.locator(".desk-table .pill").first).to_have_text("Accepted")

    # The buyer sees both orders accepted.
    page.goto("/orders/")
    expect(page.locator(".order-card .pill")).to_have_text(["Accepted", "Accepted"])


def test_bad_input_on_the_way(page, world, screenshot):
    """Stock that runs short while in the cart, and a total that changed between review and
    submit: clear messages, nothing placed until the buyer has seen the new total."""
    cup, buyer = world["cup"], world["buyer"]
    page.goto("/accounts/login/?next=/cart/")
    sign_in(page, buyer.email)

    page.get_by_label("Quantity").fill("8")
    with page.expect_navigation():
        page.get_by_role("button", name="Update").click()
    expect(page.get_by_label("Quantity")).to_have_value("8")
    cup.skus.update(stock=3)  # sold elsewhere meanwhile
    page.reload()
    expect(page.locator(".cart-line .error")).to_contain_text("Only 3")
    expect(page.get_by_role("button", name="Check out")).to_be_disabled()
    screenshot(page, "orders-11-stock-ran-short")
    page.get_by_label("Quantity").fill("1")
    with page.expect_navigation():
        page.get_by_role("button", name="Update").click()
    expect(page.get_by_role("link", name="Check out")).to_be_visible()

    page.goto("/checkout/")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to review").click()
    # The seller raises the price while the buyer reviews.
    cup.skus.update(price="99.00")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Place order and pay")).click()
    expect(page.locator(".messages")).to_contain_text("Please review it again")
    expect(page.locator("[data-grand-total]")).to_have_text("¥109.00")
    screenshot(page, "orders-12-prices-changed")
    assert not Order.objects.exists()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Place order and pay ¥109\.00")).click()
    expect(page.locator(".test-mode-banner")).to_be_visible()
    assert Order.objects.count() == 1


def test_the_cart_and_review_on_a_phone(mobile_page, world, screenshot):
    page = mobile_page
    add_to_cart(page, world["cup"], 1)
    add_to_cart(page, world["bowl"], 2)
    expect(page.locator(".cart-shop")).to_have_count(2)
    screenshot(page, "orders-13-cart-phone")
    with page.expect_navigation():
        page.get_by_role("link", name="Check out").click()
    sign_in(page, world["buyer"].email)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to review").click()
    expect(page.get_by_role("button", name=re.compile(r"^Place order and pay"))).to_be_visible()
    screenshot(page, "orders-14-review-phone")


def test_too_many_stays_on_the_product_page_and_zero_empties_a_line(page, world, screenshot):
    """A quantity the stock cannot cover is answered on the product page, once; a cart line set
    to 0 leaves the cart."""
    cup, bowl = world["cup"], world["bowl"]
    add_to_cart(page, cup, 4)
    add_to_cart(page, cup, 7)  # 4 already in the cart, 10 in stock
    expect(page).to_have_url(re.compile(product_page(cup) + "$"))
    expect(page.locator(".messages li")).to_have_count(1)
    expect(page.locator(".messages")).to_contain_text("4 are already in your cart")
    screenshot(page, "orders-15-too-many-on-the-product-page")

    add_to_cart(page, bowl, 1)
    page.goto("/cart/")
    line = page.locator(".cart-line", has_text=cup.title)
    line.get_by_label("Quantity").fill("0")
    with page.expect_navigation():  # leaving the box sends it (orders-cart.js)
        line.get_by_label("Quantity").dispatch_event("change")
    expect(page.locator(".messages")).to_contain_text("Removed from your cart.")
    expect(page.locator(".cart-line")).to_have_count(1)
    expect(page.locator(".cart-line")).to_contain_text(bowl.title)
