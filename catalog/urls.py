"""Storefront pages of the catalog (mounted at the site root)."""

from django.urls import path

from catalog import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
]
