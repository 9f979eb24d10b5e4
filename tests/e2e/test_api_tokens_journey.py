"""A buyer's API tokens in a real browser: from the profile to the tokens page, a new token whose
key is shown once, revoking it; the page in Chinese (decision 0009)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from marketplace.accounts.models import ApiToken
from marketplace.accounts.services import issue_api_token
from tests.e2e.test_accounts_journey import sign_in, zh
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.e2e]


def test_create_see_once_and_revoke_an_api_token(page, screenshot):
    user = UserFactory(display_name="Mei Lin")
    sign_in(page, user.email)

    page.goto("/accounts/profile/")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="API tokens").click()
    expect(page).to_have_url(re.compile(r"/accounts/tokens/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    expect(page.locator("main")).to_contain_text("No API tokens.")

    page.get_by_label(re.compile(r"^Name( \*)?$")).fill("ERP")
    with page.expect_navigation():
        page.get_by_role("button", name="Create a token").click()
    key = page.locator("#new-api-token").inner_text()
    token = ApiToken.objects.get(user=user)
    assert key.startswith(token.prefix) and len(key) > 40
    expect(page.locator("main table")).to_contain_text("ERP")
    screenshot(page, "api-tokens-new-key")

    page.goto("/accounts/tokens/")
    expect(page.locator("#new-api-token")).to_have_count(0)  # shown once
    assert key not in page.content()

    with page.expect_navigation():
        page.locator("main table").get_by_role("button", name="Revoke").click()
    expect(page.locator(".message-success")).to_contain_text("ERP")
    expect(page.locator("main")).to_contain_text("No API tokens.")
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_tokens_page_in_chinese(page, screenshot):
    user = UserFactory(preferred_language="zh-hans")
    issue_api_token(user=user, name="手机")
    sign_in(page, user.email)  # the preferred language is applied at sign-in

    page.goto("/accounts/tokens/")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("main table")).to_contain_text("手机")
    if heading := zh("API tokens"):
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    screenshot(page, "api-tokens-zh-hans")
