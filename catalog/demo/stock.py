"""Demo stock, through the ledger like real stock: goods received for every SKU (a few SKUs
only a handful, under their warning line), then a few weeks of sales of live products.
"""

from __future__ import annotations

import random

from catalog.models import Product, Sku
from catalog.services import inventory


def seed_stock(skus: list[Sku], rng: random.Random) -> None:
    """Stock for `skus` in a handful of multi-line ledger calls."""
    received = []
    for sku in skus:
        received.append(
            (sku.pk, rng.choice([4, 6, 8]) if rng.random() < 0.03 else rng.randint(20, 200))
        )
    for start in range(0, len(received), 1000):
        inventory.receive_many(received[start : start + 1000], reason="Opening stock (demo)")
    stock = dict(received)
    sales = [
        (sku.pk, min(stock[sku.pk] - 1, rng.randint(1, 25)))
        for sku in skus
        if sku.product.state == Product.State.LIVE and stock[sku.pk] > 10 and rng.random() < 0.5
    ]
    for start in range(0, len(sales), 500):
        inventory.commit_sale(
            order_ref=f"DEMO-SALES-{start // 500 + 1}", lines=sales[start : start + 500]
        )
