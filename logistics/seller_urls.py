"""Seller-center pages of logistics (mounted under /seller/, scoped by shops.scoping). The rest of
the "Shipping" section (orders to ship, printing, bulk shipping, parcels, performance) is the
orders chapter's fulfilment, in `orders/seller_urls.py`."""

from django.urls import path

from logistics.views import seller as views

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
