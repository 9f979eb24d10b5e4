"""Storefront pages of the catalog (mounted at the site root), and the sitemap."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.cache import cache_page

from catalog.storefront.sitemaps import SITEMAP_CACHE_SECONDS, SITEMAPS
from catalog.views import storefront

urlpatterns = [
    path("", storefront.home, name="home"),
    path("search/", storefront.search, name="search"),
    path("categories/", storefront.category_list, name="category-list"),
    path("categories/<slug:slug>/", storefront.category_detail, name="category-detail"),
    path("products/<int:pk>/", storefront.product_redirect, name="product-redirect"),
    path("products/<int:pk>/<slug:slug>/", storefront.product_detail, name="product-detail"),
    path(
        "sitemap.xml",
        cache_page(SITEMAP_CACHE_SECONDS)(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page(SITEMAP_CACHE_SECONDS)(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
