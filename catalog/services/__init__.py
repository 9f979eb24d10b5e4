"""Every write of the catalog. Split by sub-domain; the names below are the public interface.

Orders (stock for orders, all lock the SKUs' products, then the SKUs, in primary-key order and
write the ledger):
    reserve_stock(lines, *, order_ref, actor=None)
    release_stock(*, order_ref, lines=None, actor=None, reason="")
    commit_sale(*, order_ref, lines=None, actor=None)
    return_stock(lines, *, order_ref, actor=None, reason="")
    reserve_stock_for_orders({order_ref: lines}, *, actor=None), commit_sales(*, order_refs)
        the orders of one checkout at once: all their locks in the one order
    lock_stock(sku_ids)   the lock itself
    lock_stock_of(rows, sku="sku")   the same lock, taken while reading rows that name the SKUs
        (placement: the cart's lines, before pricing; then reserve_stock_for_orders(locked=))
    lines: [StockLine(sku_id, quantity)] or [(sku_id, quantity)] or [{"sku_id", "quantity"}]
    Errors: InsufficientStock (a ConflictError, HTTP 409) naming the SKU; nothing changed.

Sellers: products (create_product, update_product, delete_product, update_sku, add_sku),
listing (publish_product, delist_product), images (add_images, remove_image, reorder_images,
update_image), inventory (receive_stock, adjust_stock, set_alert_settings), stocktakes
(start_stocktake, record_counts, post_stocktake, cancel_stocktake), bulk (start_import,
start_export). Platform: listing (approve_product, reject_product, block_product,
unblock_product), categories (save_category, delete_category).
"""

from catalog.services.inventory import (
    StockLine,
    adjust_stock,
    commit_sale,
    commit_sales,
    lock_stock,
    lock_stock_of,
    receive_stock,
    release_stock,
    reserve_stock,
    reserve_stock_for_orders,
    return_stock,
    set_alert_settings,
)
from catalog.services.listing import refresh_listings, sync_shop_listings

__all__ = [
    "StockLine",
    "adjust_stock",
    "commit_sale",
    "commit_sales",
    "lock_stock",
    "lock_stock_of",
    "receive_stock",
    "refresh_listings",
    "release_stock",
    "reserve_stock",
    "reserve_stock_for_orders",
    "return_stock",
    "set_alert_settings",
    "sync_shop_listings",
]
