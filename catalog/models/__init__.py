"""Models of the Catalog chapter: categories with attribute templates, products with SKUs and
images, the stock ledger with alerts and stocktakes, and bulk import/export jobs.

Fields, constraints and cheap properties only; every write goes through `catalog.services`.
"""

from catalog.models.bulk import BulkJob
from catalog.models.categories import AttributeDefinition, AttributeType, Category
from catalog.models.inventory import StockAlert, StockMovement, Stocktake, StocktakeLine
from catalog.models.products import Product, ProductImage, Sku
from catalog.models.storefront import ZeroResultSearch

__all__ = [
    "AttributeDefinition",
    "AttributeType",
    "BulkJob",
    "Category",
    "Product",
    "ProductImage",
    "Sku",
    "StockAlert",
    "StockMovement",
    "Stocktake",
    "StocktakeLine",
    "ZeroResultSearch",
]
