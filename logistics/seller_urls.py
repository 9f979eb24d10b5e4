"""Seller-center pages of logistics (mounted under /seller/, scoped by shops.scoping)."""

from django.urls import path

from logistics import fulfilment_views, views

urlpatterns = [
    path("shipping/templates/", views.template_list, name="logistics-template-list"),
    path("shipping/templates/new/", views.template_create, name="logistics-template-create"),
    path(
        "shipping/templates/<int:template_id>/",
        views.template_edit,
        name="logistics-template-edit",
    ),
    path(
        "shipping/templates/<int:template_id>/delete/",
        views.template_delete,
        name="logistics-template-delete",
    ),
    path(
        "shipping/templates/<int:template_id>/default/",
        views.template_make_default,
        name="logistics-template-default",
    ),
    path("shipping/carriers/", views.carriers, name="logistics-carriers"),
]

# Fulfilment: orders to ship, the ship form, printing, bulk shipping, parcels, performance.
urlpatterns += [
    path("shipping/", fulfilment_views.to_ship, name="logistics-to-ship"),
    path("shipping/orders/<str:number>/", fulfilment_views.ship_order, name="logistics-ship-order"),
    path("shipping/pick-list/", fulfilment_views.pick_list, name="logistics-pick-list"),
    path("shipping/pick-list.pdf", fulfilment_views.pick_list_pdf, name="logistics-pick-list-pdf"),
    path(
        "shipping/packing-slips.pdf",
        fulfilment_views.packing_slips_pdf,
        name="logistics-packing-slips-pdf",
    ),
    path("shipping/bulk-ship/", fulfilment_views.bulk_ship, name="logistics-bulk-ship"),
    path(
        "shipping/bulk-ship/example.csv",
        fulfilment_views.bulk_ship_example,
        name="logistics-bulk-ship-example",
    ),
    path("shipping/shipments/", fulfilment_views.shipments, name="logistics-shipments"),
    path("shipping/performance/", fulfilment_views.performance, name="logistics-performance"),
]
