"""The price engine is a package split by concern that stays a pure function module: every name
it had as one module is still importable from `promotions.pricing`, and nothing in it reaches the
database (DESIGN §4)."""

import ast
from pathlib import Path

import promotions.pricing as pricing

PACKAGE = Path(pricing.__file__).resolve().parent

PUBLIC_NAMES = [
    "CartView",
    "Discount",
    "Funder",
    "ItemOffer",
    "LineView",
    "OrderOffer",
    "PricedCart",
    "PricedLine",
    "PricedShop",
    "PricingError",
    "PricingLine",
    "Promotion",
    "ShippingQuoter",
    "ShopView",
    "Stage",
    "allocate_discount",
    "price_lines",
    "refund_for_units",
]


def test_every_public_name_of_the_engine_is_importable_from_the_package():
    assert [name for name in PUBLIC_NAMES if not hasattr(pricing, name)] == []
    assert sorted(pricing.__all__) == sorted(PUBLIC_NAMES)


def test_the_engine_touches_no_database():
    wrong = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            for module in modules:
                if module.startswith("django.db") or module.split(".")[-1] in (
                    "models",
                    "services",
                ):
                    wrong.append(f"{path.name} imports {module}")
    assert wrong == []
