"""The search tokenizer (bigrams for Chinese) and the product's tsvector."""

from django.contrib.postgres.search import SearchQuery, SearchRank

from catalog.models import Product
from catalog.storefront import search
from tests.factories.catalog import make_product, sku


def test_chinese_becomes_bigrams_and_single_characters():
    assert search.tokenize("绿茶杯") == ["绿茶", "茶杯", "绿", "茶", "杯"]
    assert search.query_tokens("绿茶杯") == ["绿茶", "茶杯"]
    assert search.query_tokens("茶") == ["茶"]


def test_latin_words_are_folded_and_kept_whole():
    assert search.tokenize("Cotton T-Shirt ＸＬ 3.5kg") == [
        "cotton",
        "t",
        "shirt",
        "xl",
        "3",
        "5kg",
    ]
    assert search.tokenize("Longjing龙井tea") == ["longjing", "龙井", "龙", "井", "tea"]


def test_the_query_ands_tokens_and_prefixes_long_words():
    assert search.build_tsquery("Green 龙井茶") == "'green':* & '龙井' & '井茶'"
    assert search.build_tsquery("  !!  ") == ""
    assert search.build_tsquery("it's") == "'it' & 's'"


def test_the_vector_literal_has_weights_and_positions():
    value = search.search_vector_value([("A", ["绿茶"]), ("D", ["tea"])])
    assert value == "'绿茶':1A '绿':2A '茶':3A 'tea':5D"


def find(text):
    query = SearchQuery(search.build_tsquery(text), search_type="raw", config=search.SEARCH_CONFIG)
    return list(
        Product.objects.filter(search_vector=query)
        .annotate(rank=SearchRank("search_vector", query))
        .order_by("-rank")
        .values_list("code", flat=True)
    )


def test_products_are_found_by_title_keywords_category_and_attributes_in_both_languages(
    shop, green_tea
):
    make_product(
        shop,
        green_tea,
        code="LJ",
        title="西湖龙井 明前特级 250克",
        search_keywords="Longjing, spring tea",
        attributes={"origin": "杭州西湖", "grade": "special"},
        skus=[sku("LJ-1", "99.00")],
    )
    make_product(
        shop,
        green_tea,
        code="CUP",
        title="Celadon tea cup with saucer",
        search_keywords="celadon",
        attributes={"origin": "Longquan"},
        skus=[sku("CUP-1", "39.00")],
    )
    assert find("龙井") == ["LJ"]
    assert find("西湖龙井") == ["LJ"]
    assert find("longjing") == ["LJ"]  # keyword
    assert find("绿茶") == ["LJ", "CUP"] or set(find("绿茶")) == {"LJ", "CUP"}  # category (zh)
    assert set(find("green tea")) == {"LJ", "CUP"}  # category (en)
    assert find("杭州") == ["LJ"]  # attribute value
    assert find("特级") == ["LJ"]  # choice label (zh) and title
    assert find("Special grade") == ["LJ"]  # choice label (en)
    assert find("celad") == ["CUP"]  # prefix
    assert find("cups") == []
    assert find("茶杯") == []  # no product has these two characters side by side


def test_the_title_ranks_above_an_attribute(shop, green_tea):
    make_product(
        shop,
        green_tea,
        code="A",
        title="Hangzhou porcelain teapot",
        search_keywords="",
        attributes={"origin": "Jingdezhen"},
        skus=[sku("A-1", "1.00")],
    )
    make_product(
        shop,
        green_tea,
        code="B",
        title="Porcelain teapot, white",
        search_keywords="",
        attributes={"origin": "Hangzhou"},
        skus=[sku("B-1", "1.00")],
    )
    assert find("hangzhou") == ["A", "B"]
