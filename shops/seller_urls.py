"""Seller-center pages of shops (mounted under /seller/, all through shops.scoping)."""

from django.urls import path

from shops import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("switch-shop/", views.switch_shop, name="switch-shop"),
    path("open-shop/", views.open_shop, name="open-shop"),
]
