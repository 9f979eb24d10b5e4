"""Toolbar and pagination of storefront lists written in Python (catalog.storefront.list_parts)."""

from __future__ import annotations

import pytest
from django.utils import translation

from catalog.storefront.filters import SORT_CHOICES
from catalog.storefront.list_parts import pagination, toolbar
from catalog.storefront.listings import ListingPage

pytestmark = pytest.mark.django_db


def page(number=6, total=960, lower=False) -> ListingPage:
    return ListingPage(
        products=[], number=number, page_size=24, total=total, total_is_lower_bound=lower
    )


def test_the_toolbar_counts_and_sorts_in_both_languages():
    with translation.override("en"):
        html = toolbar(page(total=1), SORT_CHOICES, "price")
        assert '<h2 id="results-title" class="result-count">1 product</h2>' in html
        assert '<option value="price" selected>Price: low to high</option>' in html
        assert '<option value="newest">Newest</option>' in html
        assert "More than 2,400 products" in toolbar(page(total=2400, lower=True), [], "")
    with translation.override("zh-hans"):
        assert "超过 2400 件商品" in toolbar(page(total=2400, lower=True), SORT_CHOICES, "")


def test_pagination_links_around_the_current_page_with_gaps():
    links = {
        "previous": "?page=5&q=%3Cb%3E",
        "next": "?page=7",
        "links": [
            {"number": 1, "url": "", "current": False},
            {"gap": True},
            {"number": 6, "url": "?page=6", "current": True},
            {"number": 7, "url": "?page=7", "current": False},
        ],
    }
    with translation.override("en"):
        html = pagination(page(), links, "/search/")
    assert html.startswith('<nav class="pagination" aria-label="Pages">')
    assert 'rel="prev" href="/search/?page=5&amp;q=%3Cb%3E">Previous</a>' in html
    assert '<li class="gap" aria-hidden="true">…</li>' in html
    assert '<li><span aria-current="page">6</span></li>' in html
    assert '<li><a href="/search/?page=7">7</a></li>' in html
    assert 'rel="next" href="/search/?page=7">Next</a>' in html
    assert pagination(page(number=1, total=20), links, "/") == ""
