"""Seller-center pages of the catalog (mounted under /seller/ by `catalog.seller_urls`).

Thin: every view goes through `shops.scoping.seller_view` (sign-in, current shop, role per
section), reads through `catalog.selectors` (shop-scoped), calls one service, renders.
"""
