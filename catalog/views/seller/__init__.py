"""Seller-center pages of the catalog (mounted under /seller/ by `catalog.seller_urls`):
`products` (list, form, product page, images), `inventory` (stock, ledger, alerts, stocktakes)
and `bulk` (import and export jobs).

Thin: every view goes through `shops.scoping.views.seller_view` (sign-in, current shop, role per
section), reads through `catalog.selectors` (shop-scoped), calls one service, renders; a
service's refusal reaches the page through `marketplace.core.pages.refusals`.
"""
