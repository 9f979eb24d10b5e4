"""Search: title, keywords, category and attribute values in English and Chinese (character
bigrams), typo tolerance only where pg_trgm is installed, and the log of searches that found
nothing."""

import re

import pytest

from catalog.models import ZeroResultSearch
from catalog.storefront import listings, search_log

pytestmark = pytest.mark.django_db


def found(client, query, **params) -> list[str]:
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return re.findall(r'class="product-card-title">([^<]+)<', response.content.decode())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("龙井", {"tea"}),  # title, Chinese bigram
        ("西湖龙井", {"tea"}),
        ("Longjing", {"tea"}),  # title and keyword, case-folded
        ("明前茶", {"tea"}),  # keyword in Chinese
        ("绿茶", {"tea", "cup"}),  # category name (zh)
        ("green tea", {"tea", "cup"}),  # category name (en)
        ("杭州", {"tea"}),  # attribute value
        ("特级", {"tea"}),  # choice label (zh) of the grade attribute
        ("Special grade", {"tea"}),  # choice label (en)
        ("青瓷", {"cup"}),
        ("celad", {"cup"}),  # prefix
        ("500g", {"tea"}),  # a variant's option value
    ],
)
def test_search_finds_by_every_field_in_both_languages(client, live_tea, live_cup, query, expected):
    names = {"tea": live_tea.title, "cup": live_cup.title}
    assert set(found(client, query)) == {names[key] for key in expected}


def test_relevance_ranks_title_matches_first(client, live_tea, live_cup):
    # "tea" is in the tea's title and keywords, and in the cup's title: both match; the cup's
    # title is shorter but the tea matches in more places (title + keywords + category).
    results = found(client, "longjing tea")
    assert results == [live_tea.title]


def test_a_word_that_matches_more_than_a_list_shows_is_ranked_among_the_best_sellers(
    client, live_tea, live_cup, monkeypatch
):
    """More matches than MAX_PAGES pages: relevance orders the best-selling matches, which are
    all the list can show anyway (and the count says "more than")."""
    from django.db import connection

    from tests.catalog.storefront.conftest import clone_live_products

    monkeypatch.setattr(listings, "MAX_PAGES", 1)
    clone_live_products(live_tea, 40)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE catalog_product SET sales_count = mod(id, 97)")
        # The worst sellers match best: ranked among all matches, they would come first.
        cursor.execute(
            "UPDATE catalog_product SET search_vector = search_vector || "
            "setweight(to_tsvector('simple', 'longjing longjing longjing'), 'A') "
            "WHERE id IN (SELECT id FROM catalog_product ORDER BY sales_count LIMIT 10)"
        )
    best = set(
        listings.live_products()
        .filter(title=live_tea.title)
        .order_by("-sales_count", "-id")
        .values_list("pk", flat=True)[:24]
    )
    html = client.get("/search/", {"q": "longjing"}).content.decode()
    shown = {int(pk) for pk in re.findall(r'href="/products/(\d+)/', html)}
    assert shown == best
    assert "More than 24 products" in html


def test_search_with_filters_and_sort(client, live_tea, live_cup):
    assert found(client, "绿茶", price_max="50") == [live_cup.title]
    assert found(client, "绿茶", sort="-price")[0] == live_tea.title
    assert found(client, "绿茶", category=live_tea.category.parent.slug, sort="price") == [
        live_cup.title,
        live_tea.title,
    ]
    assert found(client, "绿茶", category="no-such-category") == []


def test_a_search_without_results_is_logged_once_per_day_with_a_count(client, live_tea):
    assert found(client, "Pu-erh  CAKE") == []
    assert found(client, "pu-erh cake") == []
    row = ZeroResultSearch.objects.get()
    assert (row.query, row.count, row.category_id) == ("pu-erh cake", 2, None)

    found(client, "pu-erh cake", category=live_tea.category.slug)
    assert ZeroResultSearch.objects.count() == 2
    assert search_log.list_zero_result_searches()[0] == {
        "query": "pu-erh cake",
        "searches": 3,
        "last_searched_at": ZeroResultSearch.objects.latest("last_searched_at").last_searched_at,
    }


def test_narrowed_or_successful_searches_are_not_logged(client, live_tea):
    found(client, "龙井")
    found(client, "龙井", price_max="1")  # nothing under ¥1: not a gap in the catalogue
    found(client, "nothing-here", in_stock="on")
    assert not ZeroResultSearch.objects.exists()


def test_a_typo_finds_similar_words_where_pg_trgm_is_installed(client, live_tea):
    if not listings.typo_tolerance_available():
        pytest.skip("this database has no pg_trgm")
    response = client.get("/search/", {"q": "longjinq"})
    html = response.content.decode()
    assert live_tea.title in html
    assert "No exact matches" in html
    assert not ZeroResultSearch.objects.exists()


def test_without_pg_trgm_search_stays_exact(client, live_tea, monkeypatch):
    monkeypatch.setattr(listings, "typo_tolerance_available", lambda: False)
    assert found(client, "longjinq") == []
    assert ZeroResultSearch.objects.get().query == "longjinq"


def test_trigram_detection_answers_from_the_catalogue_index(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
        installed = cursor.fetchone()[0]
    listings._trigram_index_exists.cache_clear()
    assert listings.typo_tolerance_available() is installed


def test_empty_and_unsearchable_queries(client, live_tea):
    html = client.get("/search/").content.decode()
    assert "What are you looking for?" in html
    assert found(client, "!!! ???") == []
    assert found(client, "x" * 300) == []  # cut to 100 characters, no error


def test_results_are_escaped(client, db):
    html = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
