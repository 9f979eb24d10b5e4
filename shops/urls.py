"""Storefront pages of shops (mounted at the site root)."""

from django.urls import path

from shops.views import storefront

urlpatterns = [
    path("shops/<slug:slug>/", storefront.shop_detail, name="shop-detail"),
    path("shops/<slug:slug>/follow/", storefront.shop_follow, name="shop-follow"),
]
