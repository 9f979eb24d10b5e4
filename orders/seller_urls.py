"""Seller-center pages of orders (mounted under /seller/, all through shops.scoping)."""

from django.urls import path

from orders.views import seller as views

urlpatterns = [
    path("orders/", views.order_list, name="orders"),
    path("orders/bulk-accept/", views.orders_bulk_accept, name="orders-bulk-accept"),
    path("orders/packing-slips/", views.orders_packing_slips, name="orders-packing-slips"),
    path("orders/<str:number>/", views.order_detail, name="order-detail"),
    path("orders/<str:number>/accept/", views.order_accept, name="order-accept"),
    path("orders/<str:number>/cancel/", views.order_cancel, name="order-cancel"),
    path("orders/<str:number>/resolve/", views.order_resolve, name="order-resolve"),
    path(
        "orders/<str:number>/packing-slip/",
        views.order_packing_slip,
        name="order-packing-slip",
    ),
]
