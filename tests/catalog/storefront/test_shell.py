"""The cached storefront layout (catalog.storefront.shell): one layout for every stateless
visitor, filled per page with that page's title, head, body, search words and return path."""

from __future__ import annotations

import re

import pytest

from catalog.storefront.listings import product_url

pytestmark = pytest.mark.django_db


def _search_box(html: str) -> str:
    return re.search(r'<input id="site-search"[^>]*value="([^"]*)"', html).group(1)


def _return_path(html: str) -> str:
    return re.search(r'<input type="hidden" name="next" value="([^"]*)"', html).group(1)


def test_each_page_fills_the_shared_layout_with_its_own_values(client, live_tea):
    first = client.get("/search/", {"q": "<b>longjing</b>"}).content.decode()
    second = client.get("/search/", {"q": "龙井"}).content.decode()
    url = product_url(live_tea.pk, live_tea.slug)
    product = client.get(url).content.decode()

    assert _search_box(first) == "&lt;b&gt;longjing&lt;/b&gt;"
    assert _search_box(second) == "龙井"
    assert _search_box(product) == ""
    assert _return_path(second) == "/search/?q=%E9%BE%99%E4%BA%95"
    assert _return_path(product) == url
    assert "<title>“&lt;b&gt;longjing&lt;/b&gt;” – search · Marketplace</title>" in first
    assert f"<title>{live_tea.title} · Marketplace</title>" in product
    assert "__storefront_slot_" not in first + second + product
    # Every form of the layout and the page carries this visitor's real CSRF token.
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', product))
    assert len(tokens) == 1 and "__storefront" not in tokens.pop()


def test_a_signed_in_visitor_gets_a_layout_of_their_own(client, live_tea, user):
    client.get("/search/", {"q": "tea"})  # the stateless layout is cached now
    client.force_login(user)
    html = client.get("/search/", {"q": "tea"}).content.decode()
    assert "Sign in" not in html
    assert user.get_short_name() in html


def test_the_layout_follows_the_language(client, live_tea):
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'lang="en"' in english and "Sign in" in english
    assert 'lang="zh-hans"' in chinese and "登录" in chinese


def test_searches_share_a_frame_but_each_shows_its_own_words(client, live_tea):
    first = client.get("/search/", {"q": "longjing", "in_stock": "true"}).content.decode()
    second = client.get("/search/", {"q": "<i>龙井</i>", "in_stock": "true"}).content.decode()
    assert "Results for “longjing”" in first
    assert "Results for “&lt;i&gt;龙井&lt;/i&gt;”" in second
    assert '<input type="hidden" name="q" value="&lt;i&gt;龙井&lt;/i&gt;">' in second
    assert 'href="/search/?q=%3Ci%3E%E9%BE%99%E4%BA%95%3C%2Fi%3E">Clear filters' in second
    assert "No products match “&lt;i&gt;龙井&lt;/i&gt;”" in second


def test_a_category_frame_serves_its_pages_and_sorts_but_not_other_filters(client, live_tea):
    url = f"/categories/{live_tea.category.slug}/"
    by_price = client.get(url, {"sort": "price"}).content.decode()
    filtered = client.get(url, {"sort": "price", "price_min": "100"}).content.decode()
    assert '<option value="price" selected>' in by_price
    assert 'name="price_min"' in by_price and 'value=""' in by_price
    assert (
        'name="price_min" min="0" step="0.01" inputmode="decimal" placeholder="Min" value="100"'
        in (filtered)
    )
    assert "1 product" in by_price


def test_the_filter_panel_shows_what_was_chosen_and_what_was_wrong(client, live_tea):
    url = f"/categories/{live_tea.category.slug}/"
    plain = client.get(url).content.decode()
    assert '<input type="checkbox" name="attr_grade" value="special" id="id_attr_grade_0">' in plain
    assert "form-errors" not in plain

    chosen = client.get(
        url,
        {"attr_grade": ["special"], "in_stock": "true", "rating_min": "4", "price_max": "9.999"},
    ).content.decode()
    assert (
        '<input type="checkbox" name="attr_grade" value="special" id="id_attr_grade_0" checked>'
    ) in chosen
    assert 'id="filter-in-stock" type="checkbox" name="in_stock" value="true" checked>' in chosen
    assert '<option value="4" selected>' in chosen
    assert (
        'name="price_max" min="0" step="0.01" inputmode="decimal" placeholder="Max" value="9.999"'
        in (chosen)
    )
    assert '<div class="form-errors" role="alert"><p>Highest price:' in chosen


def test_an_unknown_sort_keeps_its_error_to_itself(client, live_tea):
    url = f"/categories/{live_tea.category.slug}/"
    wrong = client.get(url, {"sort": "nonsense"}).content.decode()
    right = client.get(url, {"sort": "price"}).content.decode()
    assert '<div class="form-errors" role="alert">' in wrong
    assert "form-errors" not in right
