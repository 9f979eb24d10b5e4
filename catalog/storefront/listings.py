"""Storefront product lists: what is on sale, search, sorting and bounded pages (category pages,
search, home rows). Buyers' pages and the public API both call these.

Budget (DESIGN §9): a constant number of queries whatever the page size or catalogue size, and
fast on 100,000 products. So lists read only `Product`'s denormalised listing columns
(`LISTING_COLUMNS`: prices, stock, sales, cover image, shop name and slug, rating) with no join;
the category tree and attribute templates come from the storefront cache
(`catalog.storefront.categories`); counts are bounded (`MAX_PAGES` pages at most, "2,400+"
beyond); pagination is by offset but bounded, which the partial indexes on live listings keep
cheap up to the last page allowed.

Search: `catalog.storefront.search` turns the query into tokens (Chinese as character bigrams)
matched against `Product.search_vector` (GIN). When nothing matches and the database has pg_trgm
with the trigram index of migration 0004 (detected once per process), the query is retried as a
typo-tolerant word-similarity match on title and keywords.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import BooleanField, Count, F, FloatField, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse

from catalog.models import Product
from catalog.storefront import search
from catalog.storefront.categories import CategoryNode

PAGE_SIZES = (24, 48, 96)
DEFAULT_PAGE_SIZE = 24
MAX_PAGES = 100
HOME_ROW = 12
TOP_SHOPS = 20
TRIGRAM_INDEX = "catalog_product_title_trgm"
TRIGRAM_DOCUMENT = "(title || ' ' || search_keywords)"

LISTING_COLUMNS = (
    "id",
    "slug",
    "title",
    "currency",
    "min_price",
    "max_price",
    "total_stock",
    "sales_count",
    "rating",
    "review_count",
    "main_image_list",
    "main_image_thumb",
    "shop_name",
    "shop_slug",
    "published_at",
)


def live_products() -> QuerySet[Product]:
    """Products on sale: live, in a shop buyers can see."""
    return Product.objects.filter(state=Product.State.LIVE, shop_visible=True)


def product_url(pk: int, slug: str) -> str:
    return reverse("product-detail", args=[pk, slug or "item"])


# --- Search --------------------------------------------------------------------------------------
def search_query(text: str) -> SearchQuery | None:
    """The full-text query of what a buyer typed; None when it has nothing searchable."""
    tsquery = search.build_tsquery(text)
    if not tsquery:
        return None
    return SearchQuery(tsquery, search_type="raw", config=search.SEARCH_CONFIG)


@lru_cache(maxsize=4)
def _trigram_index_exists(alias: str) -> bool:
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [TRIGRAM_INDEX])
        return bool(cursor.fetchone()[0])


def typo_tolerance_available() -> bool:
    """pg_trgm and its index are there (checked once per process; the embedded PostgreSQL has
    no pg_trgm, so the answer there is no and search stays exact)."""
    return _trigram_index_exists(connection.alias)


def fuzzy_matches(products: QuerySet[Product], text: str) -> QuerySet[Product]:
    """`products` whose title or keywords contain a word similar to `text` (pg_trgm's `%>`,
    served by the trigram index), best first."""
    text = " ".join(search.normalize(text).split())[:100]
    return (
        products.annotate(
            # The SQL is constant; the buyer's text is a parameter.
            similar=RawSQL(f"{TRIGRAM_DOCUMENT} %%> %s", [text], output_field=BooleanField()),  # noqa: S611
            similarity=RawSQL(  # noqa: S611
                f"word_similarity(%s, {TRIGRAM_DOCUMENT})", [text], output_field=FloatField()
            ),
        )
        .filter(similar=True)
        .order_by("-similarity", "-sales_count", "-id")
    )


def matching(
    products: QuerySet[Product], words: str
) -> tuple[QuerySet[Product], SearchQuery | None]:
    """`products` matching the words a buyer typed, and the full-text query (None without one);
    words with nothing searchable in them match nothing."""
    query = search_query(words) if words else None
    if query is None:
        return (products.none() if words.strip() else products), None
    return products.filter(search_vector=query), query


# --- Sorting -------------------------------------------------------------------------------------
class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_ASC = "price"
    PRICE_DESC = "-price"
    SALES = "sales"


ORDERINGS = {
    Sort.NEWEST: ("-published_at", "-id"),
    Sort.PRICE_ASC: ("min_price", "id"),
    Sort.PRICE_DESC: ("-min_price", "-id"),
    Sort.SALES: ("-sales_count", "-id"),
}


def effective_sort(chosen: str, query: SearchQuery | None) -> str:
    """The sort a list uses: the one chosen, relevance for a search without one, and newest
    where there is nothing to be relevant to."""
    if chosen == Sort.RELEVANCE and query is None:
        return Sort.NEWEST
    return chosen or (Sort.RELEVANCE if query is not None else Sort.NEWEST)


def sort_products(
    products: QuerySet[Product], sort: str, *, query: SearchQuery | None = None
) -> QuerySet[Product]:
    """Order a filtered list. Relevance is the search rank (title counts most, then keywords,
    category, attributes); without a search it is "newest"."""
    if sort in ("", Sort.RELEVANCE) and query is not None:
        return products.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
            "-rank", "-sales_count", "-id"
        )
    return products.order_by(*ORDERINGS.get(sort, ORDERINGS[Sort.NEWEST]))


def rank_among_best_sellers(products: QuerySet[Product], page_size: int) -> QuerySet[Product]:
    """A relevance-sorted search that matches more than a list can show (`count` said "more
    than"), ranked among its best-selling matches only, as many as the list shows at most.

    Ranking reads every match's search vector: for a word in a fifth of the catalogue that is
    30 ms and more, for pages nobody reads past the hundredth. The best sellers come from the
    sales index, so the ranking reads `MAX_PAGES` pages' worth of vectors at most.
    """
    best = products.order_by("-sales_count", "-id").values("pk")[: MAX_PAGES * page_size]
    return products.filter(pk__in=best)


# --- Pages ---------------------------------------------------------------------------------------
@dataclass
class ListingPage:
    """One page of a product list. `total` is exact up to `MAX_PAGES` pages' worth, after which
    `total_is_lower_bound` says "at least"."""

    products: list[Product]
    number: int
    page_size: int
    total: int
    total_is_lower_bound: bool

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.page_size + 1 if self.products else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.products) - 1 if self.products else 0

    def page_range(self, around: int = 2) -> list[int | None]:
        """Page numbers to link, with None for a gap: 1 … 4 5 [6] 7 8 … 40."""
        last = self.num_pages
        wanted = {1, last, *range(self.number - around, self.number + around + 1)}
        pages = sorted(p for p in wanted if 1 <= p <= last)
        result: list[int | None] = []
        for page in pages:
            if result and page - (result[-1] or 0) > 1:
                result.append(None)
            result.append(page)
        return result


class PageOutOfRange(Exception):
    pass


def page_size_of(raw) -> int:
    try:
        size = int(raw)
    except (TypeError, ValueError):
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def page_number_of(raw) -> int:
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return number if number >= 1 else 1


def bounded_count(products: QuerySet[Product], limit: int) -> int:
    """How many rows, counting no further than `limit` (one query, index-only where it can)."""
    return products.order_by().values("pk")[:limit].count()


def count(products: QuerySet[Product], page_size: int) -> tuple[int, bool]:
    """(how many, whether there are more than that): exact up to `MAX_PAGES` pages' worth."""
    cap = MAX_PAGES * page_size
    total = bounded_count(products, cap + 1)
    return min(total, cap), total > cap


def paginate(
    products: QuerySet[Product],
    *,
    number: int,
    page_size: int,
    counted: tuple[int, bool] | None = None,
) -> ListingPage:
    """Two queries: a bounded count (none when `counted`, what `count` said, is given) and the
    page's rows (listing columns only)."""
    if number > MAX_PAGES:
        raise PageOutOfRange
    total, lower_bound = counted if counted is not None else count(products, page_size)
    last = max(1, -(-total // page_size))
    if number > last:
        raise PageOutOfRange
    offset = (number - 1) * page_size
    rows = list(products.only(*LISTING_COLUMNS)[offset : offset + page_size]) if total else []
    return ListingPage(
        products=rows,
        number=number,
        page_size=page_size,
        total=total,
        total_is_lower_bound=lower_bound,
    )


def top_shops(products: QuerySet[Product], limit: int = TOP_SHOPS) -> list[dict]:
    """The shops with the most listings in `products` (for the shop filter): one query."""
    return list(
        products.order_by()
        .values("shop_slug", "shop_name")
        .annotate(n=Count("id"))
        .order_by("-n", "shop_name")[:limit]
    )


def in_category(products: QuerySet[Product], node: CategoryNode) -> QuerySet[Product]:
    """Listings in `node` or below it (one indexed prefix match on the copied category path)."""
    return products.filter(category_path__startswith=node.path)


# --- Home ----------------------------------------------------------------------------------------
def new_arrivals(limit: int = HOME_ROW) -> list[Product]:
    return list(live_products().order_by("-published_at", "-id").only(*LISTING_COLUMNS)[:limit])


def best_sellers(limit: int = HOME_ROW) -> list[Product]:
    return list(live_products().order_by("-sales_count", "-id").only(*LISTING_COLUMNS)[:limit])
