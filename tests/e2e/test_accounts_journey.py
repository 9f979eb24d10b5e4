"""A buyer's first visit in a real browser: sign up, verify by e-mail, sign in, switch language,
see the profile; the sign-up form's errors; a reused verification link; the seller center shell;
the storefront on a phone; the 404 page in both languages.

Chinese text is asserted only where the compiled zh-hans catalog already translates the string
(`zh()` below): the language switch itself is checked through `<html lang>` and the switcher.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from marketplace.accounts.models import User
from marketplace.accounts.services import register_user
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e]

OPEN_SHOP = re.compile(r"^Open (your|a) shop$")
VERIFY_LINK = re.compile(r"https?://\S+/accounts/verify/[^/\s]+/")


def zh(text: str) -> str | None:
    """The zh-hans translation of `text`, or None while the catalog has none."""
    with translation.override("zh-hans"):
        translated = translation.gettext(text)
    return translated if translated != text else None


def verification_link(email: str) -> str:
    messages = [message for message in mail.outbox if email in message.to]
    assert messages, f"no e-mail to {email}; outbox: {[m.to for m in mail.outbox]}"
    match = VERIFY_LINK.search(messages[-1].body)
    assert match, messages[-1].body
    return match.group(0)


def label(text: str) -> re.Pattern:
    """A field's label exactly, with or without the required-field star after it."""
    return re.compile(rf"^{re.escape(text)}( \*)?$")


def fill_signup(page, *, email, password1, password2, display_name="", accept=True):
    form = page.locator("main form")
    form.get_by_label("E-mail address").fill(email)
    form.get_by_label("Display name").fill(display_name)
    form.get_by_label(label("Password")).fill(password1)
    form.get_by_label("Password again").fill(password2)
    checkbox = form.get_by_label("I have read and accept")
    if accept:
        checkbox.check()
    else:
        checkbox.uncheck()
    form.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()


def sign_in(page, email, password=PASSWORD):
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.get_by_label("E-mail address").fill(email)
    form.get_by_label("Password").fill(password)
    with page.expect_navigation():
        form.get_by_role("button", name="Sign in").click()


def field_error(page, name):
    """The errors under the field `name` (form_fields.html gives them the id id_<name>_error,
    which Django's widget names in the input's aria-describedby)."""
    return page.locator(f"#id_{name}_error")


def assert_error_is_announced(page, name):
    field = page.locator(f"#id_{name}")
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = field.get_attribute("aria-describedby").split()
    assert f"id_{name}_error" in described_by
    for element_id in described_by:  # every id it names exists on the page
        expect(page.locator(f"#{element_id}")).to_have_count(1)


def test_signup_verify_login_switch_language_and_profile(page, screenshot):
    email = "mei.lin@example.com"

    page.goto("/")
    page.locator("header").get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    screenshot(page, "signup")

    fill_signup(page, email=email, password1=PASSWORD, password2=PASSWORD, display_name="Mei Lin")
    expect(page).to_have_url(re.compile(r"/accounts/signup/done/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    expect(page.locator("main")).to_contain_text(email)
    screenshot(page, "check-inbox")

    user = User.objects.get(email=email)
    assert user.email_verified_at is None
    assert user.display_name == "Mei Lin"

    # Before verifying, signing in is refused with a clear message.
    sign_in(page, email)
    expect(page.get_by_role("alert")).to_contain_text("Please verify your e-mail address first")

    page.goto(verification_link(email))
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator(".message-success")).to_contain_text("your e-mail address is verified")
    screenshot(page, "login")

    sign_in(page, email)
    expect(page).to_have_url(re.compile(r"/$"))
    account_menu = page.locator("header").get_by_role("navigation", name="Account")
    expect(account_menu).to_contain_text("Mei Lin")
    expect(page.locator("header").get_by_role("link", name="Sign in")).to_have_count(0)
    screenshot(page, "home-signed-in")

    # The footer's language switcher submits itself on change (site.js).
    switcher = page.locator("footer").get_by_label("Language")
    expect(switcher).to_have_value("en")
    with page.expect_navigation():
        switcher.select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(re.compile(r"/$"))
    switcher = page.locator("footer select[name=language]")
    expect(switcher).to_have_value("zh-hans")
    expect(switcher.locator("option:checked")).to_have_text("简体中文")
    if heading := zh("Thousands of shops, one cart"):
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    if search := zh("Search"):
        expect(page.locator("header .search-box button")).to_have_text(search)
    screenshot(page, "home-zh-hans")
    user.refresh_from_db()
    assert user.preferred_language == "zh-hans"

    # The profile, still in Chinese, shows the account and the remembered language.
    account_menu = page.locator("header").get_by_role("navigation", name=zh("Account") or "Account")
    account_menu.locator("summary").click()
    expect(account_menu.get_by_role("list")).to_be_visible()
    screenshot(page, "account-menu-open")
    profile_label = zh("Profile") or "Profile"
    with page.expect_navigation():
        account_menu.get_by_role("link", name=profile_label).click()
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Your profile") or "Your profile")
    expect(page.locator("main")).to_contain_text(email)
    expect(page.locator("#id_display_name")).to_have_value("Mei Lin")
    expect(page.locator("#id_preferred_language")).to_have_value("zh-hans")
    screenshot(page, "profile-zh-hans")


def test_signup_errors_are_shown_next_to_the_fields(page, screenshot):
    page.goto("/accounts/signup/")

    fill_signup(
        page,
        email="wrong.input@example.com",
        password1="a-long-enough-secret-1",
        password2="a-different-secret-2",
        accept=False,
    )
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(field_error(page, "password2")).to_have_text("The two passwords do not match.")
    expect(field_error(page, "accept_terms")).to_have_text(
        "You must accept the agreement and privacy policy."
    )
    expect(page.locator(".field-invalid")).to_have_count(2)
    assert_error_is_announced(page, "password2")
    assert_error_is_announced(page, "accept_terms")
    # What the visitor typed is kept, the passwords are not.
    expect(page.get_by_label("E-mail address")).to_have_value("wrong.input@example.com")
    expect(page.get_by_label(label("Password"))).to_have_value("")
    screenshot(page, "signup-errors")

    fill_signup(
        page, email="wrong.input@example.com", password1="12345", password2="12345", accept=True
    )
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(page.locator(".field-invalid")).to_have_count(1)
    expect(field_error(page, "password1")).to_contain_text("too short")
    expect(field_error(page, "password1")).to_contain_text("entirely numeric")
    assert_error_is_announced(page, "password1")  # with its help text: both ids must exist
    screenshot(page, "signup-weak-password")

    assert not User.objects.filter(email="wrong.input@example.com").exists()
    assert mail.outbox == []


def test_a_reused_verification_link_says_it_was_already_used(page, screenshot):
    register_user(email="twice@example.com", password=PASSWORD, display_name="Twice")
    link = verification_link("twice@example.com")

    page.goto(link)
    expect(page.locator(".message-success")).to_be_visible()
    assert User.objects.get(email="twice@example.com").email_verified_at is not None

    response = page.goto(link)
    assert response.status == 400
    expect(page.get_by_role("alert")).to_have_text(
        "This link was already used: your address is verified, you can sign in."
    )
    expect(page.locator("main").get_by_role("link", name="Sign in")).to_be_visible()
    screenshot(page, "verify-already-used")

    response = page.goto(link.rstrip("/") + "x/")
    assert response.status == 400
    expect(page.get_by_role("alert")).to_have_text("This verification link is not valid.")
    expect(page.locator("main").get_by_role("button", name="Send a new link")).to_be_visible()


def test_seller_center_shell_after_login(page, screenshot):
    user = UserFactory(display_name="Seller Sun")

    response = page.goto("/seller/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/seller/$"))
    assert response.ok

    form = page.locator("main form")
    form.get_by_label("E-mail address").fill(user.email)
    form.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        form.get_by_role("button", name="Sign in").click()
    # A user without a shop lands on the seller center's "open your shop" invitation.
    expect(page).to_have_url(re.compile(r"/seller/(open-shop/)?$"))

    sidebar = page.get_by_role("navigation", name="Seller center sections")
    expect(sidebar).to_be_visible()
    expect(sidebar.get_by_role("link")).not_to_have_count(0)
    expect(page.get_by_role("heading", name=OPEN_SHOP)).to_be_visible()
    card = page.locator("main .card", has_text="Start an application")
    expect(card).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()  # desktop: sidebar shown
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Seller Sun")
    screenshot(page, "seller-center")


def test_seller_center_menu_on_a_phone(mobile_page, screenshot):
    page = mobile_page
    user = UserFactory(display_name="Seller Sun")
    sign_in(page, user.email)
    page.goto("/seller/")

    sidebar = page.locator("#seller-sidebar")
    menu = page.get_by_role("button", name="Menu")
    expect(sidebar).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(sidebar).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(sidebar.get_by_role("link").first).to_be_visible()
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the phone screen"
    screenshot(page, "seller-center-mobile")
    menu.click()
    expect(sidebar).to_be_hidden()


def test_storefront_home_on_a_phone(mobile_page, screenshot):
    page = mobile_page
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thousands of shops, one cart")
    expect(page.get_by_role("searchbox", name="Search products")).to_be_visible()
    header = page.locator("header")
    expect(header.get_by_role("link", name="Sign up")).to_be_visible()
    expect(header.get_by_role("link", name="Cart")).to_be_visible()
    expect(page.locator("footer").get_by_label("Language")).to_be_visible()

    # Nothing sticks out sideways: a phone page must not scroll horizontally.
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the phone screen"
    screenshot(page, "home-mobile")


def test_not_found_page_in_english_and_chinese(page, new_page, screenshot):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    expect(page.get_by_role("link", name="Back to the home page")).to_have_attribute("href", "/")
    screenshot(page, "404-en")

    # A browser that asks for Chinese (Accept-Language: zh-CN) gets the Simplified Chinese page.
    zh_page = new_page(locale="zh-CN")
    response = zh_page.goto("/no-such-page/")
    assert response.status == 404
    expect(zh_page.locator("html")).to_have_attribute("lang", "zh-hans")
    heading = zh("We could not find that page")
    if heading:
        expect(zh_page.get_by_role("heading", level=1)).to_have_text(heading)
    screenshot(zh_page, "404-zh-hans")
