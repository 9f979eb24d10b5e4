"""A list that narrows nothing skips the FilterSet (catalog.storefront.filters.PlainList): it
must give exactly the products, in the order, that ProductFilter gives."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from catalog.storefront.categories import category_tree
from catalog.storefront.filters import PlainList, ProductFilter, product_list
from tests.catalog.storefront.conftest import clone_live_products

pytestmark = pytest.mark.django_db


def ids(products) -> list[int]:
    return list(products.values_list("pk", flat=True))


@pytest.mark.parametrize("sort", ["", "relevance", "newest", "sales", "price", "-price"])
@pytest.mark.parametrize("words", ["", "longjing", "龙井 tea", "!!!"])
def test_plain_lists_give_what_the_filterset_gives(live_tea, live_cup, sort, words):
    clone_live_products(live_tea, 5)
    clone_live_products(live_cup, 5)
    data = QueryDict(mutable=True)
    if words:
        data["q"] = words
    if sort:
        data["sort"] = sort
    plain = product_list(data)
    full = ProductFilter(data)
    assert isinstance(plain, PlainList)
    assert ids(plain.qs) == ids(full.qs)
    assert plain.sort_value == full.sort_value

    node = category_tree().by_id[live_tea.category_id]
    data.pop("q", None)
    on_page = product_list(data, category=node)
    assert isinstance(on_page, PlainList)
    assert ids(on_page.qs) == ids(ProductFilter(data, category=node).qs)


@pytest.mark.parametrize(
    "query",
    [
        "price_min=10",
        "sort=nonsense",
        "in_stock=on",
        "attr_grade=special",
        "sort=price&sort=-price",
    ],
)
def test_anything_that_narrows_gets_the_filterset(live_tea, query):
    assert isinstance(product_list(QueryDict(query)), ProductFilter)


def test_words_on_a_category_page_get_the_filterset(live_tea):
    node = category_tree().by_id[live_tea.category_id]
    assert isinstance(product_list(QueryDict("q=longjing"), category=node), ProductFilter)
