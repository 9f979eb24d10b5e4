"""Reads of catalog data that are reused or tricky. Each owns its joins; seller reads take the shop.

Storefront lists read `Product` rows only (every listing column is denormalised on it):
`live_products()` is the base queryset; `attribute_template()` and `category_tree()` come from a
per-process cache keyed by the categories' last change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Max, Q, Sum
from django.utils import timezone

from catalog import replenishment
from catalog.models import (
    AttributeDefinition,
    BulkJob,
    Category,
    Product,
    ProductImage,
    Sku,
    StockAlert,
    StockMovement,
    Stocktake,
    StocktakeLine,
)
from shops.scoping.models import get_for_shop_or_404

# --- Categories -----------------------------------------------------------------------------------
CATEGORY_CACHE_KEY = "catalog:categories:v1"


def _categories_version() -> str:
    from django.db.models import Count

    stamp = Category.objects.aggregate(changed=Max("updated_at"), n=Count("id"))
    changed = stamp["changed"].isoformat() if stamp["changed"] else "empty"
    return f"{changed}/{stamp['n']}"


def all_categories() -> list[Category]:
    """Every category, ordered by path (two cheap queries at most; cached until one changes)."""
    version = _categories_version()
    cached = cache.get(CATEGORY_CACHE_KEY)
    if cached and cached[0] == version:
        return cached[1]
    categories = list(Category.objects.order_by("path", "position", "id"))
    cache.set(CATEGORY_CACHE_KEY, (version, categories), 3600)
    return categories


def category_map() -> dict[int, Category]:
    return {category.pk: category for category in all_categories()}


def category_trail(category: Category, *, categories: dict[int, Category] | None = None):
    """The categories from the root down to `category` (inclusive)."""
    categories = categories or category_map()
    return [categories[pk] for pk in category.ancestor_ids if pk in categories] or [category]


def category_path_label(category: Category, *, categories=None, separator=" › ") -> str:
    return separator.join(node.label for node in category_trail(category, categories=categories))


def leaf_categories() -> list[tuple[Category, str]]:
    """Active leaf categories a seller may list in, with their full path labels."""
    categories = category_map()
    result = []
    for category in categories.values():
        if not category.is_leaf or not category.is_active:
            continue
        trail = category_trail(category, categories=categories)
        if all(node.is_active for node in trail):
            result.append((category, " › ".join(node.label for node in trail)))
    return sorted(result, key=lambda item: item[1])


def attribute_template(category: Category) -> list[AttributeDefinition]:
    """The attribute definitions of `category` and its ancestors (a child's code overrides its
    parent's), root first, then by position. One query."""
    ids = category.ancestor_ids or [category.pk]
    depth = {pk: index for index, pk in enumerate(ids)}
    definitions: dict[str, AttributeDefinition] = {}
    rows = AttributeDefinition.objects.filter(category_id__in=ids)
    for definition in sorted(rows, key=lambda d: (depth.get(d.category_id, 0), d.position, d.pk)):
        definitions[definition.code] = definition
    return list(definitions.values())


def commission_rate_for(category_id: int):
    """The platform's commission (percent) for a product in this category (used by orders)."""
    return Category.objects.filter(pk=category_id).values_list("commission_rate", flat=True).first()


# --- Products (seller center) ---------------------------------------------------------------------
def get_product_for_shop_or_404(*, shop, pk) -> Product:
    return get_for_shop_or_404(Product.objects.select_related("category"), shop=shop, pk=pk)


def list_products_for_shop(
    *,
    shop,
    state: str | None = None,
    query: str = "",
    category_id: int | None = None,
    low_stock: bool = False,
):
    """A shop's products for the seller list: one query per page, every column on the row."""
    products = Product.objects.for_shop(shop).defer("search_vector", "description")
    if state:
        products = products.filter(state=state)
    if category_id:
        products = products.filter(category_id=category_id)
    if query:
        products = products.filter(
            Q(title__icontains=query) | Q(code__iexact=query) | Q(skus__code__iexact=query)
        ).distinct()
    if low_stock:
        products = products.filter(skus__is_active=True, skus__low_stock_alerted=True).distinct()
    return products.order_by("-updated_at", "-id")


def product_skus(product: Product) -> list[Sku]:
    return list(product.skus.filter(is_active=True).order_by("position", "id"))


def product_images(product: Product) -> list[ProductImage]:
    return list(product.images.order_by("position", "id"))


def state_counts(*, shop) -> dict[str, int]:
    from django.db.models import Count

    rows = Product.objects.for_shop(shop).values("state").annotate(n=Count("id"))
    return {row["state"]: row["n"] for row in rows}


# --- Inventory ------------------------------------------------------------------------------------
def list_skus_for_shop(*, shop, query: str = "", low_only: bool = False, product_id=None):
    skus = (
        Sku.objects.for_shop(shop)
        .filter(is_active=True)
        .select_related("product")
        .only(
            "id",
            "code",
            "options",
            "price",
            "stock",
            "reserved",
            "warning_line",
            "low_stock_alerted",
            "lead_time_days",
            "sold_count",
            "product_id",
            "shop_id",
            "product__title",
            "product__state",
            "product__main_image_thumb",
        )
    )
    if query:
        skus = skus.filter(Q(code__icontains=query) | Q(product__title__icontains=query))
    if low_only:
        skus = skus.filter(low_stock_alerted=True)
    if product_id:
        skus = skus.filter(product_id=product_id)
    return skus.order_by("product_id", "position", "id")


def get_sku_for_shop_or_404(*, shop, pk) -> Sku:
    return get_for_shop_or_404(Sku.objects.select_related("product"), shop=shop, pk=pk)


def units_sold(sku_ids: Iterable[int], *, days: int = replenishment.WINDOW_DAYS) -> dict[int, int]:
    """Units sold per SKU in the last `days` days, from the ledger (one aggregate query)."""
    ids = list(sku_ids)
    if not ids:
        return {}
    since = timezone.now() - timedelta(days=days)
    rows = (
        StockMovement.objects.filter(
            sku_id__in=ids, kind=StockMovement.Kind.SOLD, created_at__gte=since
        )
        .values("sku_id")
        .annotate(q=Sum("quantity"), r=Sum("reserved_change"))
    )
    return {row["sku_id"]: -((row["q"] or 0) + (row["r"] or 0)) for row in rows}


def replenishment_for(skus: Iterable[Sku]) -> dict[int, replenishment.Suggestion]:
    skus = list(skus)
    sold = units_sold(sku.pk for sku in skus)
    return {
        sku.pk: replenishment.suggest(
            stock=sku.stock, units_sold=sold.get(sku.pk, 0), lead_time_days=sku.lead_time_days
        )
        for sku in skus
    }


def list_movements(*, shop, sku_id: int | None = None, kind: str = ""):
    movements = StockMovement.objects.for_shop(shop).select_related("sku", "actor")
    if sku_id:
        movements = movements.filter(sku_id=sku_id)
    if kind:
        movements = movements.filter(kind=kind)
    return movements.order_by("-created_at", "-id")


def list_alerts(*, shop, open_only: bool = False):
    alerts = StockAlert.objects.for_shop(shop).select_related("sku", "sku__product")
    if open_only:
        alerts = alerts.filter(resolved_at__isnull=True)
    return alerts.order_by("-created_at", "-id")


def list_stocktakes(*, shop):
    from django.db.models import Count

    return (
        Stocktake.objects.for_shop(shop)
        .annotate(
            line_count=Count("lines"),
            counted_count=Count("lines", filter=Q(lines__counted__isnull=False)),
        )
        .order_by("-created_at", "-id")
    )


def stocktake_lines(stocktake: Stocktake):
    return (
        StocktakeLine.objects.filter(stocktake=stocktake, shop_id=stocktake.shop_id)
        .select_related("sku", "sku__product")
        .order_by("sku__product_id", "sku__position", "sku_id")
    )


def list_jobs(*, shop):
    return BulkJob.objects.for_shop(shop).select_related("created_by").order_by("-created_at")
