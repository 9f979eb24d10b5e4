"""Seller-center pages of the catalog (mounted under /seller/, scoped by shops.scoping)."""

from django.urls import path

from catalog.views.seller import bulk, inventory, products

urlpatterns = [
    path("products/", products.product_list, name="product-list"),
    path("products/new/", products.product_new, name="product-new"),
    path("products/<int:product_id>/", products.product_detail, name="product-detail"),
    path("products/<int:product_id>/edit/", products.product_edit, name="product-edit"),
    path("products/<int:product_id>/publish/", products.product_publish, name="product-publish"),
    path("products/<int:product_id>/delist/", products.product_delist, name="product-delist"),
    path("products/<int:product_id>/delete/", products.product_delete, name="product-delete"),
    path("products/<int:product_id>/images/", products.image_upload, name="product-image-upload"),
    path(
        "products/<int:product_id>/images/<int:image_id>/move/",
        products.image_move,
        name="product-image-move",
    ),
    path(
        "products/<int:product_id>/images/<int:image_id>/kind/",
        products.image_kind,
        name="product-image-kind",
    ),
    path(
        "products/<int:product_id>/images/<int:image_id>/delete/",
        products.image_delete,
        name="product-image-delete",
    ),
    path("products/bulk/", bulk.bulk_home, name="catalog-bulk"),
    path("products/bulk/export/", bulk.bulk_export, name="catalog-export"),
    path("products/bulk/template.csv", bulk.bulk_template, name="catalog-import-template"),
    path("products/bulk/<int:job_id>/", bulk.job_detail, name="catalog-job"),
    path("products/bulk/<int:job_id>/progress/", bulk.job_progress, name="catalog-job-progress"),
    path(
        "products/bulk/<int:job_id>/download/<str:what>/",
        bulk.job_download,
        name="catalog-job-download",
    ),
    path("inventory/", inventory.inventory_list, name="inventory"),
    path("inventory/sku/<int:sku_id>/", inventory.inventory_sku, name="inventory-sku"),
    path("inventory/alerts/", inventory.inventory_alerts, name="inventory-alerts"),
    path("inventory/ledger/", inventory.stock_ledger, name="inventory-ledger"),
    path("inventory/stocktakes/", inventory.stocktake_list, name="stocktake-list"),
    path(
        "inventory/stocktakes/<int:stocktake_id>/",
        inventory.stocktake_detail,
        name="stocktake-detail",
    ),
    path(
        "inventory/stocktakes/<int:stocktake_id>/cancel/",
        inventory.stocktake_cancel,
        name="stocktake-cancel",
    ),
]
