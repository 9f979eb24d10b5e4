"""Creating and editing products and their SKUs (the variant matrix).

`create_product()` and `update_product()` take a `ProductData` (what a form, the API or an import
row sends), check *all* of it first and raise one `ValidationError` naming every bad field
(`title`, `attributes.material`, `skus[2].price`, …), then write in one transaction: the product,
its SKUs, their opening stock (ledger rows through `catalog.services.inventory`) and the
denormalised listing columns. Nothing is half-written.

    data.py        ProductData and SkuData, the limits, and the field checks that imports and the
                   SKU API share (parse_decimal, parse_int, check_listing_text, variant_matrix)
    validation.py  the whole product checked at once (clean_product)
    skus.py        the SKU rows: checked (clean_skus) and written (write_skus)
    editing.py     create_product, update_product, delete_product, update_sku, add_sku

The names below are the public interface; import them from `catalog.services.products`.
"""

from catalog.services.products.data import (
    LISTING_WORD_KINDS,
    MAX_DESCRIPTION_LENGTH,
    MAX_DIMENSION_NAME,
    MAX_OPTION_VALUE,
    MAX_PRICE,
    MAX_STOCK,
    MAX_TAGS,
    MAX_WEIGHT,
    ProductData,
    SkuData,
    check_listing_text,
    option_key,
    parse_decimal,
    parse_int,
    product_data_from,
    variant_matrix,
)
from catalog.services.products.editing import (
    MODERATED_FIELDS,
    add_sku,
    create_product,
    delete_product,
    update_product,
    update_sku,
)

__all__ = [
    "LISTING_WORD_KINDS",
    "MAX_DESCRIPTION_LENGTH",
    "MAX_DIMENSION_NAME",
    "MAX_OPTION_VALUE",
    "MAX_PRICE",
    "MAX_STOCK",
    "MAX_TAGS",
    "MAX_WEIGHT",
    "MODERATED_FIELDS",
    "ProductData",
    "SkuData",
    "add_sku",
    "check_listing_text",
    "create_product",
    "delete_product",
    "option_key",
    "parse_decimal",
    "parse_int",
    "product_data_from",
    "update_product",
    "update_sku",
    "variant_matrix",
]
