"""The storefront's product page: the product on sale with its shop's public columns, its SKUs,
images, specifications and more from the same shop, in one query.

One statement reads it all (`_SQL`): the product row joined to its shop, and as JSON arrays its
active SKUs, its ready images and up to six best sellers of the same shop. The rows become model
instances without the queryset machinery (`Model.from_db`, as a queryset would make them), the
other shop's products plain rows for the cards. Amounts travel through JSON as text, so they come
back as exact Decimals. The specifications' attribute template comes from the storefront cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.db import connection

from catalog import specs
from catalog.models import Category, Product, ProductImage, Sku
from catalog.storefront.cache import cached
from catalog.storefront.listings import LISTING_COLUMNS

MORE_FROM_SHOP = 6
LOW_STOCK = 5  # "only N left" from here down (migration 0008's trigger uses the same line)

PRODUCT_COLUMNS = {
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
}
SHOP_COLUMNS = {
    "id",
    "name",
    "slug",
    "logo_small",
    "logo",
    "rating",
    "follower_count",
    "shop_type",
    "brand_name",
    "created_at",
    "state",
}
SKU_COLUMNS = {"id", "code", "options", "price", "stock", "position", "product_id", "shop_id"}
IMAGE_COLUMNS = {
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
}
CARD_COLUMNS = [name for name in LISTING_COLUMNS if name != "published_at"]


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
    more_from_shop: list[SimpleNamespace]


def _fields(model, names) -> list:
    """The concrete fields of `model` named in `names` (attnames), in the model's order, which
    is the order `Model.from_db` takes values in."""
    return [field for field in model._meta.concrete_fields if field.attname in names]


def _json_row(fields, alias: str) -> str:
    """A JSON array of `fields`, decimals as text."""
    parts = []
    for field in fields:
        column = f'{alias}."{field.column}"'
        parts.append(f"{column}::text" if field.get_internal_type() == "DecimalField" else column)
    return f"json_build_array({', '.join(parts)})"


def _decimals(fields, values: list) -> list:
    """A `_json_row` array (parsed JSON) with its amounts, sent as text, made Decimals again."""
    return [
        Decimal(value)
        if value is not None and field.get_internal_type() == "DecimalField"
        else value
        for field, value in zip(fields, values, strict=True)
    ]


def _from_json(model, fields, values: list):
    """A model instance from a `_json_row` array (parsed JSON already: no other converters)."""
    return model.from_db(connection.alias, [f.attname for f in fields], _decimals(fields, values))


_PRODUCT_FIELDS = _fields(Product, PRODUCT_COLUMNS)
_SHOP_FIELDS = _fields(Product._meta.get_field("shop").related_model, SHOP_COLUMNS)
_SKU_FIELDS = _fields(Sku, SKU_COLUMNS)
_IMAGE_FIELDS = _fields(ProductImage, IMAGE_COLUMNS)
_CARD_FIELDS = [Product._meta.get_field(name) for name in CARD_COLUMNS]


def _from_row(model, fields, values) -> object:
    """A model instance from columns of the row, through each field's own database converter
    (JSON columns arrive as text), as a queryset would."""
    converted = [
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(fields, values, strict=True)
    ]
    return model.from_db(connection.alias, [f.attname for f in fields], converted)


def _sql() -> str:
    product, shop = Product._meta.db_table, _SHOP_FIELDS[0].model._meta.db_table
    columns = [f'p."{f.column}"' for f in _PRODUCT_FIELDS]
    columns += [f's."{f.column}"' for f in _SHOP_FIELDS]
    # Table and column names from the models, values as parameters.
    return f"""
SELECT {", ".join(columns)},
  (SELECT coalesce(json_agg({_json_row(_SKU_FIELDS, "k")} ORDER BY k.position, k.id), '[]')
     FROM {Sku._meta.db_table} k WHERE k.product_id = p.id AND k.is_active) AS skus,
  (SELECT coalesce(json_agg({_json_row(_IMAGE_FIELDS, "i")} ORDER BY i.position, i.id), '[]')
     FROM {ProductImage._meta.db_table} i
    WHERE i.product_id = p.id AND i.status = %(ready)s) AS images,
  CASE WHEN %(with_more)s THEN
  (SELECT coalesce(json_agg({_json_row(_CARD_FIELDS, "m")}), '[]')
     FROM (SELECT * FROM {product} m
            WHERE m.shop_id = p.shop_id AND m.state = %(live)s AND m.shop_visible
              AND m.id <> p.id
            ORDER BY m.sales_count DESC, m.id DESC LIMIT {MORE_FROM_SHOP}) m)
  ELSE '[]' END AS more
FROM {product} p JOIN {shop} s ON s.id = p.shop_id
WHERE p.id = %(pk)s AND p.state = %(live)s AND p.shop_visible AND s.state = ANY(%(visible)s)
"""  # noqa: S608


_SQL = _sql()


def load(pk: int, *, request=None, with_more: bool = True) -> ProductPage | None:
    """Everything the product page shows, or None when the product is not on sale: one query
    (and the category's attribute template from the storefront cache)."""
    from shops.models import Shop

    # The shop's own state too: `shop_visible` follows it only once the shops chapter has
    # synchronised the listings (catalog.services.listing.sync_shop_listings).
    with connection.cursor() as cursor:
        cursor.execute(
            _SQL,
            {
                "pk": pk,
                "live": Product.State.LIVE,
                "ready": ProductImage.Status.READY,
                "visible": list(Shop.VISIBLE_STATES),
                "with_more": with_more,
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    products, shops = len(_PRODUCT_FIELDS), len(_SHOP_FIELDS)
    product = _from_row(Product, _PRODUCT_FIELDS, row[:products])
    product.shop = _from_row(Shop, _SHOP_FIELDS, row[products : products + shops])
    skus_json, images_json, more_json = row[products + shops :]
    skus = [_from_json(Sku, _SKU_FIELDS, values) for values in skus_json]
    images = [_from_json(ProductImage, _IMAGE_FIELDS, values) for values in images_json]
    more = [_card(values) for values in more_json]
    return ProductPage(
        product=product,
        skus=skus,
        images=images,
        specs=_spec_rows(product, request),
        more_from_shop=more,
    )


def _card(values: list) -> SimpleNamespace:
    """A row for `cards.product_grid` (the listing columns as attributes)."""
    return SimpleNamespace(**dict(zip(CARD_COLUMNS, _decimals(_CARD_FIELDS, values), strict=True)))


def _attribute_template(category_id: int, path: str, request) -> list:
    from catalog.selectors import attribute_template

    return cached(
        request,
        "attribute-template",
        category_id,
        lambda: attribute_template(Category(pk=category_id, path=path)),
        per_language=False,
    )


def _spec_rows(product: Product, request=None) -> list[SpecRow]:
    values = product.attributes or {}
    if not values:
        return []
    rows = []
    for definition in _attribute_template(product.category_id, product.category_path, request):
        value = values.get(definition.code)
        if value is None or value == "" or value == []:
            continue
        rows.append(SpecRow(name=definition.label, value=specs.display_value(definition, value)))
    return rows


def stock_state(stock: int) -> str:
    """ "in_stock", "low" (a few left) or "out"."""
    if stock <= 0:
        return "out"
    if stock <= LOW_STOCK:
        return "low"
    return "in_stock"
