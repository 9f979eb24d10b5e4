"""The shops chapter in a real browser (issue 4, item 11):

1. apply → reject in admin → correct and resubmit → approve in admin → an active shop with a
   dashboard and a public page;
2. the owner invites a colleague as customer service → the colleague accepts and sees only the
   sections that role allows; the server refuses the others with the 403 page.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from shops.models import Shop, ShopApplication
from shops.roles import Role
from shops.sections import visible_sections
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.shops import PDF_BYTES, MembershipFactory, ShopFactory

pytestmark = [pytest.mark.e2e]

INVITE_LINK = re.compile(r"https?://\S+/seller/invitations/\S+/")


@pytest.fixture(autouse=True)
def _serve_media(settings, media_root, live_server, reference_data):
    settings.ROOT_URLCONF = "tests.e2e.media_urls"


def png(size=(600, 600), color=(0, 105, 92)) -> dict:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (178, 223, 219))
    image.paste(Image.new("RGB", (size[0] // 2, size[1] // 2), color), (size[0] // 4, size[1] // 4))
    image.save(buffer, format="PNG")
    return {"name": "logo.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def pdf(name="licence.pdf") -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}


def sign_in(page, email, password=PASSWORD):
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.get_by_label("E-mail address").fill(email)
    form.get_by_label("Password").fill(password)
    with page.expect_navigation():
        form.get_by_role("button", name="Sign in").click()


def admin_sign_in(page, email, password=PASSWORD):
    page.goto("/admin/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def save_and_continue(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()


def test_apply_reject_resubmit_approve(page, new_page, screenshot):
    applicant = UserFactory(email="lin@example.com", display_name="Lin Qing")
    reviewer = UserFactory(email="reviewer@example.com", is_staff=True, is_superuser=True)

    # The applicant opens the seller center and is offered to open a shop.
    sign_in(page, applicant.email)
    page.goto("/seller/")
    expect(page).to_have_url(re.compile(r"/seller/open-shop/$"))
    expect(page.get_by_role("heading", name="Shop types, deposit and fees")).to_be_visible()
    screenshot(page, "shops-01-open-a-shop")
    page.get_by_label("Enterprise shop").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Start the application").click()

    # Step "Shop": a prohibited word first, then a good name and a logo.
    page.get_by_label(re.compile(r"^Shop name")).fill("No.1 Jade Tea")
    page.get_by_label("Food and drink").check()
    page.get_by_label("Logo").set_input_files(png())
    save_and_continue(page)
    expect(page.locator("#id_shop_name_error")).to_contain_text("“No. 1”")
    screenshot(page, "shops-02-name-with-a-prohibited-word")
    page.get_by_label(re.compile(r"^Shop name")).fill("Jade Tea House")
    page.get_by_label("Short description").fill("Longjing and Biluochun from Hangzhou.")
    page.get_by_label("Logo").set_input_files(png())
    save_and_continue(page)

    # Step "Seller details", "Contact".
    page.get_by_label(re.compile(r"^Company name")).fill("Hangzhou Jade Tea Co., Ltd.")
    page.get_by_label(re.compile(r"^Unified social credit code")).fill("91330106MA2H3JT01X")
    page.get_by_label(re.compile(r"^Legal representative")).fill("Lin Qing")
    page.get_by_label(re.compile(r"^Registered address")).fill("88 Longjing Road, Hangzhou")
    save_and_continue(page)
    page.get_by_label(re.compile(r"^Contact phone")).fill("13900139000")
    save_and_continue(page)

    # Step "Documents": the business licence.
    expect(page.locator(".checklist")).to_contain_text("Upload the Business licence.")
    page.get_by_label(re.compile(r"^File")).set_input_files(pdf())
    with page.expect_navigation():
        page.get_by_role("button", name="Upload").click()
    expect(page.locator(".checklist")).to_contain_text("All required documents are uploaded.")
    screenshot(page, "shops-03-documents")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()

    # Step "Settlement account", then review and submit.
    page.get_by_label(re.compile(r"^Account holder")).fill("Hangzhou Jade Tea Co., Ltd.")
    page.get_by_label(re.compile(r"^Bank")).fill("Bank of Hangzhou")
    page.get_by_label(re.compile(r"^Account number")).fill("6222 0202 1234 5678")
    save_and_continue(page)
    expect(page.locator(".summary")).to_contain_text("•••• 5678")
    expect(page.locator(".summary")).not_to_contain_text("6222")
    page.get_by_label(re.compile(r"^I have read and accept the seller agreement")).check()
    screenshot(page, "shops-04-review-and-submit")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".pill")).to_have_text("Submitted, in review")
    application = ShopApplication.objects.get(applicant=applicant)

    # The reviewer finds it in the queue, looks at the documents and rejects it.
    admin = new_page(locale="en-US")
    admin_sign_in(admin, reviewer.email)
    admin.goto("/admin/shops/shopapplication/?state__exact=submitted")
    expect(admin.locator("#result_list")).to_contain_text("Jade Tea House")
    screenshot(admin, "shops-05-admin-review-queue")
    admin.get_by_role("link", name="Jade Tea House").click()
    expect(admin.get_by_role("link", name="Open the PDF")).to_be_visible()
    expect(admin.locator("body")).to_contain_text("•••• 5678")
    screenshot(admin, "shops-06-admin-application")
    admin.get_by_role("link", name="Review: approve or reject").click()
    admin.get_by_label("Reason").select_option("documents_unclear")
    admin.get_by_label("Note to the applicant").fill("The licence scan is cut off at the bottom.")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Reject and notify the applicant").click()
    expect(admin.locator(".messagelist")).to_contain_text("Rejected")
    application.refresh_from_db()
    assert application.state == "rejected"
    assert any("needs changes" in m.subject for m in mail.outbox if applicant.email in m.to)

    # The applicant sees why, corrects and resubmits.
    page.goto("/seller/open-shop/")
    expect(page.locator(".notice")).to_contain_text("The licence scan is cut off at the bottom.")
    expect(page.locator(".notifications-link .badge")).to_have_text("1")
    screenshot(page, "shops-07-rejected-with-the-reason")
    page.get_by_role("link", name="Correct and resubmit").click()
    page.get_by_role("link", name="Correct the application").click()
    page.get_by_role("link", name="Documents").click()
    page.get_by_label(re.compile(r"^File")).set_input_files(pdf("licence-full.pdf"))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload").click()
    page.get_by_role("link", name="Review and submit").click()
    page.get_by_label(re.compile(r"^I have read and accept the seller agreement")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Resubmit for review").click()
    expect(page.locator(".pill")).to_have_text("Submitted, in review")

    # Approved; an active shop.
    admin.goto(f"/admin/shops/shopapplication/{application.pk}/review/")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Approve and open the shop").click()
    expect(admin.locator(".messagelist")).to_contain_text("Approved")
    shop = Shop.objects.get(name="Jade Tea House")
    assert shop.state == "active"

    page.goto("/seller/")
    expect(page.get_by_role("heading", name="Jade Tea House", level=1)).to_be_visible()
    expect(page.locator(".notification-list")).to_contain_text("is open")
    screenshot(page, "shops-08-seller-dashboard")
    page.goto(f"/shops/{shop.slug}/")
    expect(page.get_by_role("heading", name="Jade Tea House")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Hangzhou Jade Tea Co., Ltd.")
    page.get_by_role("button", name="Follow").click()
    expect(page.locator("[data-follower-count]")).to_have_text("1 follower")
    screenshot(page, "shops-09-public-shop-page")


def test_invited_staff_see_only_their_sections(page, new_page, screenshot):
    shop = ShopFactory(name="Kiln Works", slug="kiln-works")
    owner = MembershipFactory(shop=shop, role="owner").user
    colleague = UserFactory(email="cs@example.com", display_name="Zhao Min")

    sign_in(page, owner.email)
    page.goto("/seller/staff/")
    invite = page.locator("form", has=page.get_by_role("button", name="Send the invitation"))
    invite.get_by_label("E-mail address").fill("cs@example.com")
    invite.get_by_label(re.compile(r"^Role")).select_option("customer_service")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".messages")).to_contain_text("Invitation sent to cs@example.com")
    screenshot(page, "shops-10-staff-and-invitation")

    link = INVITE_LINK.search(mail.outbox[-1].body).group(0)
    other = new_page(locale="en-US")
    sign_in(other, colleague.email)
    other.goto(link)
    expect(other.get_by_role("heading")).to_contain_text(["Join Kiln Works"])
    with other.expect_navigation():
        other.get_by_role("button", name="Accept the invitation").click()
    sidebar = other.locator("#seller-sidebar")
    expect(sidebar).to_contain_text("Customer service")
    allowed = [str(section.label) for section in visible_sections(Role.CUSTOMER_SERVICE)]
    expect(sidebar.get_by_role("link")).to_have_text(allowed)
    expect(sidebar).not_to_contain_text("Staff and roles")
    expect(sidebar).not_to_contain_text("Shop profile")
    screenshot(other, "shops-11-customer-service-dashboard")

    response = other.goto("/seller/staff/")
    assert response.status == 403
    expect(other.get_by_role("heading", name="You cannot open this page")).to_be_visible()
    screenshot(other, "shops-12-customer-service-refused-staff")

    page.goto("/seller/staff/")
    expect(page.locator(".data-table")).to_contain_text("cs@example.com")


def test_the_wizard_and_the_shop_page_on_a_phone(mobile_page, screenshot):
    shop = ShopFactory(name="Jade Tea House", slug="jade-tea-house", description="Longjing tea.")
    applicant = UserFactory()
    page = mobile_page

    page.goto(f"/shops/{shop.slug}/")
    expect(page.get_by_role("heading", name="Jade Tea House")).to_be_visible()
    screenshot(page, "shops-13-public-page-phone")

    sign_in(page, applicant.email)
    page.goto("/seller/open-shop/")
    page.get_by_label("Individual shop").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Start the application").click()
    screenshot(page, "shops-14-wizard-phone")


def test_the_demo_shops(page, new_page, screenshot):
    """seed_demo's shops as their people see them: two shops and the switcher, the profile, the
    activity log, a flagship's public page, and the review queue with its waiting application."""
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    from marketplace.core.demo import DEMO_PASSWORD

    sign_in(page, "seller1@demo.marketplace.local", DEMO_PASSWORD)
    page.goto("/seller/")
    switcher = page.locator("#shop-select")
    expect(switcher.locator("option")).to_have_text(["Li Wei Handmade", "Jade Tea House"])
    screenshot(page, "shops-15-demo-dashboard-with-switcher")
    switcher.select_option(label="Jade Tea House")  # submits by itself (site.js)
    expect(page.get_by_role("heading", name="Jade Tea House", level=1)).to_be_visible()
    page.goto("/seller/shop/")
    expect(page.locator(".logo-preview")).to_be_visible()
    screenshot(page, "shops-16-demo-shop-profile")
    page.goto("/seller/activity/")
    expect(page.locator(".data-table")).to_contain_text("shop.opened")
    screenshot(page, "shops-17-demo-activity-log")

    flagship = Shop.objects.get(shop_type="flagship")
    page.goto(flagship.get_absolute_url())
    expect(page.locator(".shop-logo")).to_be_visible()
    screenshot(page, "shops-18-demo-flagship-page")

    admin = new_page(locale="en-US")
    admin_sign_in(admin, "admin@demo.marketplace.local", DEMO_PASSWORD)
    admin.goto("/admin/shops/shopapplication/")
    expect(admin.locator("#result_list")).to_contain_text("Sunrise Outdoor Authorised")
    screenshot(admin, "shops-19-demo-review-queue")
