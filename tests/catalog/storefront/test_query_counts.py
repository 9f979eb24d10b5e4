"""Query budgets (DESIGN §9): every storefront page and public API list runs a constant number of
queries whatever the page size and the catalogue size, cold (nothing cached) and warm."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.storefront import listings
from catalog.storefront.cache import clear_local
from tests.catalog.storefront.conftest import clone_live_products

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries)


def urls(product):
    category = product.category.slug
    return {
        "home": "/",
        "categories": "/categories/",
        "category": f"/categories/{category}/",
        "category-filtered": f"/categories/{category}/?sort=price&attr_grade=special&in_stock=on",
        "search-en": "/search/?q=longjing",
        "search-zh": "/search/?q=龙井",
        "search-typo": "/search/?q=longjinq",
        "search-nothing": "/search/?q=zzzzqqq",
        "product": f"/products/{product.pk}/{product.slug}/",
        "api-list": f"/api/v1/products/?category={category}&sort=-price",
        "api-search": "/api/v1/products/?q=龙井",
        "api-detail": f"/api/v1/products/{product.pk}/",
    }


def measure(client, product, *, page_size=None):
    counts = {}
    for name, url in urls(product).items():
        if page_size and (name.startswith("category") or name.startswith("search")):
            url += ("&" if "?" in url else "?") + f"per_page={page_size}"
        if page_size and name.startswith("api-") and "?" in url:
            url += f"&page_size={page_size}"
        cache.clear()
        clear_local()
        cold = queries(client, url)
        warm = queries(client, url)
        counts[name] = (cold, warm)
    return counts


def test_queries_stay_constant_across_page_sizes_and_catalogue_sizes(
    client, live_tea, live_cup, django_assert_max_num_queries
):
    listings.typo_tolerance_available()  # checked once per process; not part of any page's budget
    small = measure(client, live_tea)

    clone_live_products(live_tea, 150)
    clone_live_products(live_cup, 150)
    large = measure(client, live_tea)
    large_pages = measure(client, live_tea, page_size=96)

    assert small == large == large_pages, (small, large, large_pages)
    for name, (cold, warm) in large.items():
        assert cold <= MAX_QUERIES, (name, cold)
        assert warm <= cold, (name, warm, cold)
    # A cached storefront page costs one query: the catalogue's change counter.
    for name in ("home", "category", "category-filtered", "search-en", "search-zh", "product"):
        assert large[name][1] == 1, (name, large[name])


def test_a_new_page_of_the_long_tail_reads_only_what_is_its_own(client, live_tea):
    """Once the shared parts are cached (the category tree, attribute templates, a category's
    frame and count, the search frame), a page never seen before costs the storefront version and
    its own rows: one query for a product, one for another page or sort of a category, two
    (count and rows) for new words."""
    clone_live_products(live_tea, 60)
    category = f"/categories/{live_tea.category.slug}/"
    others = list(listings.live_products().exclude(pk=live_tea.pk).values_list("pk", "slug")[:2])
    for url in (category, "/search/?q=longjing", f"/products/{others[0][0]}/{others[0][1]}/"):
        queries(client, url)
    assert queries(client, f"/products/{others[1][0]}/{others[1][1]}/") == 2
    assert queries(client, f"{category}?sort=price&page=2") == 2
    assert queries(client, "/search/?q=龙井&sort=price") == 3


def test_page_fifty_is_served_within_the_budget(client, live_tea, django_assert_max_num_queries):
    clone_live_products(live_tea, 24 * 50)
    url = f"/categories/{live_tea.category.slug}/?page=50"
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert "page 50 · Marketplace</title>" in response.content.decode()


def test_the_seller_center_pays_nothing_for_the_category_menu(seller_client):
    with CaptureQueriesContext(connection) as context:
        seller_client.get("/seller/")
    assert not any("catalog_storefront_version" in q["sql"] for q in context.captured_queries)
