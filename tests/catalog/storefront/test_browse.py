"""Home and category pages: the category menu, new and popular products, filters (price range,
attributes, shop, in stock, rating) and sort orders, bounded pagination."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.storefront import listings
from catalog.storefront.categories import category_tree
from tests.catalog.storefront.conftest import clone_live_products
from tests.factories.catalog import make_category

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'class="product-card-title">([^<]+)<', html)


def test_home_shows_categories_new_and_popular_products(client, live_tea, live_cup):
    html = client.get("/").content.decode()

    food = live_tea.category.parent.parent
    assert f'href="/categories/{food.slug}/">Food</a>' in html  # header menu and tiles
    assert "New arrivals" in html and "Popular now" in html
    assert "West Lake Longjing" in html and "Celadon tea cup" in html
    assert "Thousands of shops, one cart" in html


def test_menu_and_names_follow_the_language(client, live_tea):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert ">食品</a>" in html
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Food</a>" in html and "食品" not in html


def test_every_storefront_page_has_the_category_menu(client, live_tea):
    html = client.get("/cart/").content.decode()
    assert ">Food</a>" in html


def test_a_closed_category_and_its_subtree_are_hidden(client, live_tea):
    food = live_tea.category.parent.parent
    closed = make_category("Closed", parent=food, is_active=False)
    make_category("Below closed", parent=closed)
    tree = category_tree()
    assert closed.slug not in tree.by_slug
    assert client.get(f"/categories/{closed.slug}/").status_code == 404


def test_a_category_page_lists_its_subtree(client, live_tea, live_cup):
    food = live_tea.category.parent.parent
    response = client.get(f"/categories/{food.slug}/")
    assert response.status_code == 200
    assert set(titles(response)) == {live_tea.title, live_cup.title}
    html = response.content.decode()
    assert "2 products" in html
    assert f'href="/categories/{live_tea.category.parent.slug}/"' in html  # subcategory chip


def test_unknown_category_is_a_404(client, db):
    assert client.get("/categories/no-such-thing/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("price_min=50", {"tea"}),
        ("price_max=40", {"cup"}),
        ("price_min=100&price_max=200", {"tea"}),  # the 500 g variant costs 168
        ("attr_grade=first", {"cup"}),
        ("attr_grade=first&attr_grade=special", {"tea", "cup"}),
        ("shop=shop-b", {"cup"}),
        ("in_stock=on", {"tea", "cup"}),
        ("rating_min=4", set()),
    ],
)
def test_filters(client, live_tea, live_cup, query, expected):
    names = {"tea": live_tea.title, "cup": live_cup.title}
    response = client.get(f"/categories/{live_tea.category.slug}/?{query}")
    assert set(titles(response)) == {names[key] for key in expected}
    assert '<meta name="robots" content="noindex,follow">' in response.content.decode()


def test_in_stock_leaves_out_sold_out_products(client, live_tea, live_cup):
    from catalog.models import Product

    Product.objects.filter(pk=live_cup.pk).update(total_stock=0)
    response = client.get(f"/categories/{live_tea.category.slug}/?in_stock=true")
    assert titles(response) == [live_tea.title]
    assert "Sold out" in client.get(f"/categories/{live_tea.category.slug}/").content.decode()


def test_bad_filter_values_are_shown_and_ignored(client, live_tea, live_cup):
    response = client.get(f"/categories/{live_tea.category.slug}/?price_min=1.005&sort=cheapest")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lowest price:" in html and "decimal places" in html
    assert "Sort by:" in html
    assert set(titles(response)) == {live_tea.title, live_cup.title}


@pytest.mark.parametrize(
    ("sort", "first"),
    [("price", "cup"), ("-price", "tea"), ("newest", "cup"), ("sales", "tea")],
)
def test_sort_orders(client, live_tea, live_cup, sort, first):
    from catalog.models import Product

    Product.objects.filter(pk=live_tea.pk).update(sales_count=50)
    names = {"tea": live_tea.title, "cup": live_cup.title}
    response = client.get(f"/categories/{live_tea.category.slug}/?sort={sort}")
    assert titles(response)[0] == names[first]


def test_pagination_is_bounded_and_out_of_range_is_a_404(client, live_tea):
    clone_live_products(live_tea, 30)
    url = f"/categories/{live_tea.category.slug}/"
    first = client.get(url)
    assert len(titles(first)) == 24 and "31 products" in first.content.decode()
    assert 'href="/categories/' in first.content.decode() and "?page=2" in first.content.decode()
    second = client.get(url + "?page=2")
    assert len(titles(second)) == 7
    assert '<link rel="canonical" href="http://127.0.0.1:8000' + url + '?page=2">' in (
        second.content.decode()
    )
    assert client.get(url + "?page=3").status_code == 404
    assert client.get(url + "?page=101").status_code == 404
    assert client.get(url + "?page=abc").status_code == 200  # page 1
    assert len(titles(client.get(url + "?per_page=48"))) == 31


def test_counts_stop_at_the_page_limit(client, live_tea, settings, monkeypatch):
    monkeypatch.setattr(listings, "MAX_PAGES", 2)
    clone_live_products(live_tea, 60)
    response = client.get(f"/categories/{live_tea.category.slug}/")
    assert "More than 48 products" in response.content.decode()
    assert client.get(f"/categories/{live_tea.category.slug}/?page=3").status_code == 404


def test_listing_rows_are_read_without_joins(client, live_tea, live_cup):
    with CaptureQueriesContext(connection) as context:
        client.get(f"/categories/{live_tea.category.slug}/")
    listing = [q["sql"] for q in context.captured_queries if "catalog_product" in q["sql"]]
    assert listing and not any("JOIN" in sql for sql in listing)
    assert not any('"search_vector",' in sql or '"description"' in sql for sql in listing)
