"""A test deployment says so on every page: the storefront in both languages and the admin show
the banner above everything else (TEST_DEPLOYMENT=true; the production settings refuse test-mode
payments without it)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_banner_is_on_the_storefront_and_the_admin(settings, page, new_page, screenshot):
    settings.TEST_DEPLOYMENT = True

    page.goto("/")
    banner = page.locator(".test-deployment-banner")
    assert banner.is_visible() and "Test deployment" in banner.inner_text()
    assert banner.bounding_box()["y"] < 60  # at the top, above the header
    screenshot(page, "test-deployment-storefront-en")

    chinese = new_page(locale="zh-CN")
    chinese.goto("/")
    assert chinese.locator(".test-deployment-banner").is_visible()
    screenshot(chinese, "test-deployment-storefront-zh")

    page.goto("/admin/login/")
    assert page.locator(".test-deployment-banner").is_visible()
    screenshot(page, "test-deployment-admin")


def test_a_real_deployment_has_no_banner(settings, page):
    settings.TEST_DEPLOYMENT = False

    page.goto("/")

    assert page.locator(".test-deployment-banner").count() == 0
