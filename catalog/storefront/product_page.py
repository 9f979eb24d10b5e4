"""The storefront's product page: the product on sale with its shop's public columns, its SKUs,
images, specifications and more from the same shop, in a fixed handful of queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog import specs
from catalog.models import Category, Product, ProductImage, Sku
from catalog.storefront.listings import LISTING_COLUMNS, live_products

MORE_FROM_SHOP = 6
LOW_STOCK = 5  # "only N left" from here down (migration 0008's trigger uses the same line)

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
