"""Pages of the catalog, by audience: `storefront` (buyers and the public, mounted at the site
root by `catalog.urls`) and `seller` (the seller center, under /seller/ by `catalog.seller_urls`).
"""
