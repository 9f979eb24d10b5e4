"""The logistics chapter in a real browser (issue 7, item 8):

the seller chooses carriers and builds a shipping template (by weight, free from ¥199, Tibet not
served) → the buyer sees the template's fee at checkout, and a clear refusal for Tibet → pays →
the seller prints the pick list and ships the order with the simulated carrier → the carrier's
beat job moves the parcel on → the buyer follows the timeline until delivery, which marks the
order delivered → the seller's parcels and performance pages, the platform's scorecard in admin.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from logistics import services
from logistics.models import Carrier, Shipment
from orders.models import Order
from tests.factories.accounts import PASSWORD, AddressFactory, UserFactory
from tests.factories.catalog import add_ready_image
from tests.factories.orders import live_product, order_category
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


@pytest.fixture
def world(db):
    services.seed_carriers()
    shop = ShopFactory(name="Jade Tea House", slug="jade-tea-house")
    seller = MembershipFactory(shop=shop, role="owner").user
    cup = live_product(
        shop,
        price="88.00",
        stock=10,
        category=order_category(),
        title="Celadon tea cup",
        weight="1.2",
    )
    add_ready_image(cup)
    buyer = UserFactory(email="zhang.min@example.com", display_name="Zhang Min")
    AddressFactory(
        user=buyer,
        recipient="张敏",
        province="浙江省",
        city="杭州市",
        district="西湖区",
        detail="文三路 90 号",
        is_default=True,
    )
    AddressFactory(
        user=buyer,
        recipient="卓玛",
        province="西藏自治区",
        city="拉萨市",
        district="城关区",
        detail="北京中路 8 号",
        is_default=False,
    )
    admin = UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)
    return {"shop": shop, "seller": seller, "cup": cup, "buyer": buyer, "admin": admin}


def test_template_to_checkout_fee_to_shipping_to_simulated_delivery(
    page, new_page, mobile_page, world, screenshot
):
    cup, buyer = world["cup"], world["buyer"]

    # --- The seller: carriers, then a shipping template by weight --------------------------------
    seller = new_page(locale="en-US")
    seller.goto("/accounts/login/?next=/seller/shipping/")
    sign_in(seller, world["seller"].email)
    expect(seller.locator(".seller-sidebar [aria-current=page]")).to_have_text("Shipping")
    expect(seller.get_by_role("heading", name="Orders to ship")).to_be_visible()
    expect(seller.locator(".notice-error")).to_contain_text("Choose your carriers")
    with seller.expect_navigation():
        seller.locator(".logistics-tabs").get_by_role("link", name="Carriers").click()
    seller.get_by_label("Simulated carrier (test mode)", exact=True).check()
    seller.get_by_label("SF Express", exact=True).check()
    seller.get_by_label("Simulated carrier (test mode) as the default").check()
    with seller.expect_navigation():
        seller.get_by_role("button", name="Save your carriers").click()
    expect(seller.locator(".messages")).to_contain_text("Your carriers are saved.")

    seller.goto("/seller/shipping/templates/new/")
    seller.get_by_label("Name").fill("Standard by weight")
    seller.get_by_label("By weight (kg)").check()
    seller.get_by_label("Use for products without a template of their own").check()
    default_rate = seller.locator("section[aria-labelledby=default-rate]")
    default_rate.get_by_label("First units").fill("1")
    default_rate.get_by_label("First fee").fill("8.00")
    default_rate.get_by_label("Each extra").fill("1")
    default_rate.get_by_label("Extra fee").fill("3.00")
    seller.get_by_label("Free shipping from (amount)").fill("199")
    seller.locator("input[name=non_deliverable][value='540000']").check()  # Tibet
    screenshot(seller, "logistics-01-template-editor")
    with seller.expect_navigation():
        seller.get_by_role("button", name="Save the template").click()
    expect(seller.locator(".messages")).to_contain_text("Standard by weight")
    expect(seller.locator(".data-table")).to_contain_text("Tibet")
    screenshot(seller, "logistics-02-templates")

    # --- The buyer: Tibet is refused, Zhejiang pays the template's fee ---------------------------
    page.goto(f"/products/{cup.pk}/{cup.slug}/")
    page.get_by_label("Quantity").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Add to cart").click()
    page.goto("/accounts/login/?next=/checkout/")
    sign_in(page, buyer.email)
    expect(page).to_have_url(re.compile(r"/checkout/$"))
    page.get_by_label(re.compile("卓玛")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to review").click()
    # The review says at once that the shop does not deliver there, and offers no way to pay.
    expect(page.get_by_role("alert").filter(has_text="does not deliver to Tibet")).to_be_visible()
    expect(page.locator(".totals-shop")).to_contain_text("Not delivered here")
    expect(page.get_by_role("button", name=re.compile(r"^Place order and pay"))).to_have_count(0)
    expect(page.get_by_role("link", name="Choose another address")).to_be_visible()
    screenshot(page, "logistics-03-tibet-refused")
    assert not Order.objects.exists()

    page.goto("/checkout/")
    page.get_by_label(re.compile("张敏")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to review").click()
    expect(page.locator(".cart-shop")).to_contain_text("¥14.00")  # 2.4 kg: 8 + 2 × 3
    total = page.locator("[data-grand-total]").inner_text()
    assert total == "¥190.00", total  # 2 × 88.00 + 14.00
    screenshot(page, "logistics-04-checkout-fee")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Place order and pay")).click()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Pay ¥190\.00 \(test\)")).click()
    expect(page.locator("#payment-status")).to_contain_text("Payment received", timeout=10_000)
    order = Order.objects.get()
    assert order.state == "paid" and order.shipping == order.shipping.__class__("14.00")

    page.goto(f"/orders/{order.number}/")
    expect(page.locator(".order-parcels")).to_contain_text("The shop ships by")
    expect(page.locator(".order-parcels")).to_contain_text("Estimated delivery")
    screenshot(page, "logistics-05-buyer-waiting")

    # --- The seller: pick list, then ship with the simulated carrier ----------------------------
    seller.goto("/seller/shipping/")
    row = seller.locator(".to-ship-table tbody tr").filter(has_text=order.number)
    expect(row).to_contain_text("Celadon tea cup × 2")
    screenshot(seller, "logistics-06-to-ship")
    row.get_by_label(f"Order {order.number}").check()
    with seller.expect_popup() as popup:
        seller.get_by_role("button", name="Pick list", exact=True).click()
    pick = popup.value
    expect(pick.locator(".print-table")).to_contain_text(cup.skus.get().code)
    screenshot(pick, "logistics-07-pick-list")
    pick.close()

    with seller.expect_navigation():
        row.get_by_role("link", name="Ship").click()
    offline = Carrier.objects.get(code="offline")
    expect(seller.locator("select[name=carrier]")).to_have_value(str(offline.pk))
    seller.get_by_label("Tracking number").fill("12")
    with seller.expect_navigation():
        seller.get_by_role("button", name="Ship this parcel").click()
    expect(seller.locator(".field-invalid")).to_contain_text("6 to 40 letters")
    seller.get_by_label("Tracking number").fill("SIMJADE0001")
    with seller.expect_navigation():
        seller.get_by_role("button", name="Ship this parcel").click()
    expect(seller.locator(".messages")).to_contain_text("tracking number SIMJADE0001")
    expect(seller.locator(".page-head .pill")).to_have_text("Shipped")
    screenshot(seller, "logistics-08-shipped")

    # --- The simulated carrier moves the parcel (what the beat job does every minute) ----------
    page.goto(f"/orders/{order.number}/")
    expect(page.locator(".order-parcels .pill")).to_have_text("Shipped, waiting for pickup")
    now = timezone.now()
    for step in range(3):
        services.poll_due_shipments(now=now + timedelta(minutes=10 * (step + 1)))
    page.reload()
    expect(page.locator(".order-parcels .pill")).to_have_text("In transit")
    screenshot(page, "logistics-09-buyer-in-transit")
    for step in range(3, 5):
        services.poll_due_shipments(now=now + timedelta(minutes=10 * (step + 1)))

    # --- Delivered: the order is delivered, the buyer sees the whole timeline ------------------
    page.reload()
    expect(page.locator(".page-head .pill")).to_have_text("Delivered")
    expect(page.locator(".order-parcels .pill")).to_have_text("Delivered")
    expect(page.locator(".parcel-timeline")).to_contain_text("Delivered and signed for")
    expect(page.locator(".parcel-timeline li")).to_have_count(6)
    screenshot(page, "logistics-10-buyer-delivered")
    order.refresh_from_db()
    assert order.state == "delivered"

    mobile_page.goto(f"/accounts/login/?next=/orders/{order.number}/")
    sign_in(mobile_page, buyer.email)
    expect(mobile_page.locator(".order-parcels")).to_contain_text("Delivered")
    screenshot(mobile_page, "logistics-11-buyer-delivered-phone")
    parcel = Shipment.objects.get()
    mobile_page.goto(f"/parcels/{parcel.pk}/")
    expect(mobile_page.locator(".parcel-progress li.done")).to_have_count(5)
    screenshot(mobile_page, "logistics-12-parcel-page-phone")

    # --- The seller's parcels and performance; the platform's scorecard -------------------------
    seller.goto("/seller/shipping/shipments/")
    expect(seller.locator(".shipments-table")).to_contain_text("SIMJADE0001")
    expect(seller.locator(".shipments-table .pill")).to_have_text("Delivered")
    screenshot(seller, "logistics-13-parcels")
    seller.goto("/seller/shipping/performance/")
    expect(seller.locator(".scorecard")).to_contain_text("100.0%")
    expect(seller.locator(".big-figure")).to_contain_text("0.0%")
    screenshot(seller, "logistics-14-performance")

    staff = new_page(locale="en-US")
    staff.goto("/admin/login/?next=/admin/logistics/carrier/performance/")
    staff.locator("#id_username").fill(world["admin"].email)
    staff.locator("#id_password").fill(PASSWORD)
    with staff.expect_navigation():
        staff.get_by_role("button", name="Log in").click()
    expect(staff.locator("#content-main")).to_contain_text("Jade Tea House")
    expect(staff.locator("#content-main")).to_contain_text("Simulated carrier")
    screenshot(staff, "logistics-15-admin-performance")


def test_the_pages_in_chinese(new_page, world, screenshot):
    """The seller's fulfilment page and the buyer's tracking in Simplified Chinese."""
    from orders.fulfilment.services import ship_order
    from tests.logistics.fulfilment.builders import paid_order

    shop, buyer = world["shop"], world["buyer"]
    carriers = {carrier.code: carrier for carrier in services.seed_carriers()}
    services.set_shop_carriers(
        shop=shop, actor=world["seller"], carrier_ids=[carriers["offline"].pk]
    )
    waiting = paid_order(shop, buyer, ("青瓷茶杯", "88.00", 1))
    shipped = paid_order(shop, buyer, ("宜兴紫砂茶壶", "120.00", 1))
    ship_order(
        shipped,
        shop=shop,
        actor=world["seller"],
        carrier_id=carriers["offline"].pk,
        tracking_number="SIMZH00001",
    )
    services.poll_due_shipments(now=timezone.now() + timedelta(minutes=10))

    seller = new_page(locale="zh-CN")
    seller.goto("/accounts/login/?next=/seller/shipping/")
    sign_in_zh = seller.locator("main form")
    sign_in_zh.locator("input[name=username]").fill(world["seller"].email)
    sign_in_zh.locator("input[name=password]").fill(PASSWORD)
    with seller.expect_navigation():
        sign_in_zh.locator("button[type=submit]").click()
    expect(seller.locator(".to-ship-table")).to_contain_text(waiting.number)
    screenshot(seller, "logistics-16-to-ship-zh")

    buyer_page = new_page(locale="zh-CN")
    buyer_page.goto(f"/accounts/login/?next=/orders/{shipped.number}/")
    form = buyer_page.locator("main form")
    form.locator("input[name=username]").fill(buyer.email)
    form.locator("input[name=password]").fill(PASSWORD)
    with buyer_page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(buyer_page.locator(".order-parcels")).to_contain_text("SIMZH00001")
    screenshot(buyer_page, "logistics-17-buyer-tracking-zh")


def test_bulk_shipping_by_csv_reports_bad_rows_then_ships(new_page, world, screenshot):
    """A CSV with an unknown order number ships nothing and lists the row; fixed, it ships all."""
    from tests.logistics.fulfilment.builders import paid_order

    shop, buyer = world["shop"], world["buyer"]
    carriers = {carrier.code: carrier for carrier in services.seed_carriers()}
    services.set_shop_carriers(
        shop=shop, actor=world["seller"], carrier_ids=[carriers["offline"].pk, carriers["zto"].pk]
    )
    first = paid_order(shop, buyer, ("Celadon tea cup", "88.00", 1))
    second = paid_order(shop, buyer, ("Clay teapot", "120.00", 2))
    header = "order_number,carrier,tracking_number,sku_code,quantity\n"
    bad = f"{header}{first.number},offline,SIMCSV0001,,\n26000000000000,zto,ZT900000001,,\n"
    good = f"{header}{first.number},offline,SIMCSV0001,,\n{second.number},中通快递,ZT900000002,,\n"

    seller = new_page(locale="en-US")
    seller.goto("/accounts/login/?next=/seller/shipping/bulk-ship/")
    sign_in(seller, world["seller"].email)
    seller.get_by_label("CSV file").set_input_files(
        files=[{"name": "ship.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
    )
    with seller.expect_navigation():
        seller.get_by_role("button", name="Upload and ship").click()
    expect(seller.locator(".form-errors")).to_contain_text("Nothing was shipped")
    expect(seller.locator(".row-errors tbody tr")).to_have_count(1)
    expect(seller.locator(".row-errors")).to_contain_text("26000000000000")
    screenshot(seller, "logistics-18-bulk-ship-errors")
    assert not Shipment.objects.exists()

    seller.get_by_label("CSV file").set_input_files(
        files=[{"name": "ship.csv", "mimeType": "text/csv", "buffer": good.encode()}]
    )
    with seller.expect_navigation():
        seller.get_by_role("button", name="Upload and ship").click()
    expect(seller.locator(".messages")).to_contain_text("2 parcels shipped.")
    expect(seller.locator(".shipments-table tbody tr")).to_have_count(2)
    screenshot(seller, "logistics-19-bulk-shipped")
    assert set(Order.objects.values_list("state", flat=True)) == {"shipped"}
