"""Storefront reads: the category tree, product lists (category pages, search, home), the product
page and its neighbours. Buyers' pages and the public API both call these.

Budget (DESIGN §9): a constant number of queries whatever the page size or catalogue size, and
fast on 100,000 products. So lists read only `Product`'s denormalised listing columns
(`LISTING_COLUMNS`: prices, stock, sales, cover image, shop name and slug, rating) with no join;
the category tree and attribute templates come from the storefront cache
(`catalog.storefront_cache`); counts are bounded (`MAX_PAGES` pages at most, "2,400+" beyond);
pagination is by offset but bounded, which the partial indexes on live listings keep cheap up to
the last page allowed.

Search: `catalog.search` turns the query into tokens (Chinese as character bigrams) matched
against `Product.search_vector` (GIN). When nothing matches and the database has pg_trgm with
the trigram index of migration 0004 (detected once per process), the query is retried as a
typo-tolerant word-similarity match on title and keywords.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import BooleanField, Count, F, FloatField, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import translation

from catalog import search, specs
from catalog.models import AttributeDefinition, AttributeType, Category, Product, ProductImage, Sku
from catalog.storefront_cache import cached, memoised

PAGE_SIZES = (24, 48, 96)
DEFAULT_PAGE_SIZE = 24
MAX_PAGES = 100
HOME_ROW = 12
MORE_FROM_SHOP = 6
TOP_SHOPS = 20
LOW_STOCK = 5
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


def _in_chinese() -> bool:
    return (translation.get_language() or "").lower().startswith("zh")


def live_products() -> QuerySet[Product]:
    """Products on sale: live, in a shop buyers can see."""
    return Product.objects.filter(state=Product.State.LIVE, shop_visible=True)


def product_url(pk: int, slug: str) -> str:
    return reverse("product-detail", args=[pk, slug or "item"])


# --- Category tree (cached per storefront version) -----------------------------------------------
@dataclass
class CategoryNode:
    """A category as the storefront shows it; `name` is in the active language."""

    id: int
    parent_id: int | None
    slug: str
    name_en: str
    name_zh: str
    path: str
    depth: int
    is_leaf: bool
    url: str = ""
    children: list[CategoryNode] = field(default_factory=list, repr=False)

    @property
    def name(self) -> str:
        if _in_chinese():
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh

    label = name

    def get_absolute_url(self) -> str:
        return self.url or reverse("category-detail", args=[self.slug])

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


@dataclass
class CategoryTree:
    roots: list[CategoryNode]
    by_id: dict[int, CategoryNode]
    by_slug: dict[str, CategoryNode]

    def trail(self, node: CategoryNode) -> list[CategoryNode]:
        """From the root down to `node` (inclusive)."""
        return [self.by_id[pk] for pk in node.ancestor_ids if pk in self.by_id] or [node]

    def get(self, slug: str) -> CategoryNode | None:
        return self.by_slug.get(slug or "")


def _build_tree() -> CategoryTree:
    rows = Category.objects.order_by("depth", "position", "name", "id").values(
        "id", "parent_id", "slug", "name", "name_zh", "path", "depth", "is_leaf", "is_active"
    )
    by_id: dict[int, CategoryNode] = {}
    roots: list[CategoryNode] = []
    for row in rows:
        # Ordered by depth: a parent is seen before its children; a closed parent hides them.
        if not row["is_active"]:
            continue
        parent = by_id.get(row["parent_id"]) if row["parent_id"] else None
        if row["parent_id"] and parent is None:
            continue
        node = CategoryNode(
            id=row["id"],
            parent_id=row["parent_id"],
            slug=row["slug"],
            name_en=row["name"],
            name_zh=row["name_zh"],
            path=row["path"],
            depth=row["depth"],
            is_leaf=row["is_leaf"],
            url=reverse("category-detail", args=[row["slug"]]),
        )
        by_id[node.id] = node
        (parent.children if parent else roots).append(node)
    return CategoryTree(roots=roots, by_id=by_id, by_slug={n.slug: n for n in by_id.values()})


def category_tree(request=None) -> CategoryTree:
    """Every open category (under open parents), in menu order. No query when cached."""
    return memoised(
        request, "tree", lambda: cached(request, "tree", (), _build_tree, per_language=False)
    )


def menu_categories(request=None) -> list[CategoryNode]:
    return category_tree(request).roots


# --- Attribute filters (cached per category) -----------------------------------------------------
@dataclass(frozen=True)
class AttributeFilter:
    """A filterable spec parameter of a category, with its choices in both languages."""

    code: str
    name_en: str
    name_zh: str
    type: str
    unit: str
    choices: tuple[tuple[str, str, str], ...]

    @property
    def name(self) -> str:
        if _in_chinese():
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh

    @property
    def choice_pairs(self) -> list[tuple[str, str]]:
        chinese = _in_chinese()
        return [(value, (zh or en) if chinese else (en or zh)) for value, en, zh in self.choices]

    @property
    def is_multi(self) -> bool:
        return self.type == AttributeType.MULTI_CHOICE

    @property
    def is_boolean(self) -> bool:
        return self.type == AttributeType.BOOLEAN


FILTERABLE_TYPES = (AttributeType.CHOICE, AttributeType.MULTI_CHOICE, AttributeType.BOOLEAN)


def _attribute_filters(node: CategoryNode) -> list[AttributeFilter]:
    trail = node.ancestor_ids or [node.id]
    depth = {pk: index for index, pk in enumerate(trail)}
    merged: dict[str, AttributeDefinition] = {}
    rows = AttributeDefinition.objects.filter(category_id__in=trail)
    for row in sorted(rows, key=lambda r: (depth.get(r.category_id, 0), r.position, r.pk)):
        merged[row.code] = row  # a child's definition overrides its parent's
    result = []
    for definition in merged.values():
        if not definition.filterable or definition.type not in FILTERABLE_TYPES:
            continue
        choices = tuple(
            (
                str(choice[0]),
                str(choice[1] if len(choice) > 1 else choice[0]),
                str(choice[2] if len(choice) > 2 else ""),
            )
            for choice in definition.choices or []
        )
        result.append(
            AttributeFilter(
                code=definition.code,
                name_en=definition.name,
                name_zh=definition.name_zh,
                type=definition.type,
                unit=definition.unit,
                choices=choices,
            )
        )
    return result


def attribute_filters(node: CategoryNode | None, request=None) -> list[AttributeFilter]:
    """The filterable attributes of `node`'s template (its own and its ancestors')."""
    if node is None:
        return []
    return cached(request, "attrs", node.id, lambda: _attribute_filters(node), per_language=False)


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


def paginate(products: QuerySet[Product], *, number: int, page_size: int) -> ListingPage:
    """Two queries: a bounded count and the page's rows (listing columns only)."""
    if number > MAX_PAGES:
        raise PageOutOfRange
    cap = MAX_PAGES * page_size
    total = bounded_count(products, cap + 1)
    lower_bound = total > cap
    total = min(total, cap)
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


# --- Product page --------------------------------------------------------------------------------
PRODUCT_PAGE_COLUMNS = (
    *LISTING_COLUMNS,
    "shop_id",
    "category_id",
    "category_path",
    "code",
    "description",
    "attributes",
    "variant_dimensions",
    "tags",
    "search_keywords",
    "meta_title",
    "meta_description",
    "video_url",
    "updated_at",
    "state",
    "shop_visible",
    "shop__id",
    "shop__name",
    "shop__slug",
    "shop__logo_small",
    "shop__logo",
    "shop__rating",
    "shop__follower_count",
    "shop__shop_type",
    "shop__brand_name",
    "shop__created_at",
    "shop__state",
)


@dataclass
class SpecRow:
    name: str
    value: str


@dataclass
class ProductPage:
    product: Product
    skus: list[Sku]
    images: list[ProductImage]
    specs: list[SpecRow]
    more_from_shop: list[Product]


def get_live_product(pk: int) -> Product | None:
    """A product on sale with its shop's public columns (one query), or None."""
    from shops.models import Shop

    # The shop's own state too: `shop_visible` follows it only once the shops chapter has
    # synchronised the listings (catalog.services.listing.sync_shop_listings).
    return (
        live_products()
        .filter(pk=pk, shop__state__in=Shop.VISIBLE_STATES)
        .select_related("shop")
        .only(*PRODUCT_PAGE_COLUMNS)
        .first()
    )


def _spec_rows(product: Product) -> list[SpecRow]:
    from catalog.selectors import attribute_template

    values = product.attributes or {}
    if not values:
        return []
    template = attribute_template(Category(pk=product.category_id, path=product.category_path))
    rows = []
    for definition in template:
        value = values.get(definition.code)
        if value is None or value == "" or value == []:
            continue
        rows.append(SpecRow(name=definition.label, value=specs.display_value(definition, value)))
    return rows


def product_page(product: Product, *, with_more: bool = True) -> ProductPage:
    """Everything the product page shows: four queries whatever the number of SKUs or images
    (three without "more from this shop")."""
    skus = list(
        Sku.objects.filter(product_id=product.pk, is_active=True)
        .only("id", "code", "options", "price", "stock", "position", "product_id", "shop_id")
        .order_by("position", "id")
    )
    images = list(
        ProductImage.objects.filter(product_id=product.pk, status=ProductImage.Status.READY)
        .only(
            "id",
            "kind",
            "position",
            "thumbnail",
            "list_size",
            "detail_size",
            "width",
            "height",
            "alt_text",
            "product_id",
            "shop_id",
        )
        .order_by("position", "id")
    )
    more = (
        list(
            live_products()
            .filter(shop_id=product.shop_id)
            .exclude(pk=product.pk)
            .order_by("-sales_count", "-id")
            .only(*LISTING_COLUMNS)[:MORE_FROM_SHOP]
        )
        if with_more
        else []
    )
    return ProductPage(
        product=product, skus=skus, images=images, specs=_spec_rows(product), more_from_shop=more
    )


def stock_state(stock: int) -> str:
    """ "in_stock", "low" (a few left) or "out"."""
    if stock <= 0:
        return "out"
    if stock <= LOW_STOCK:
        return "low"
    return "in_stock"
