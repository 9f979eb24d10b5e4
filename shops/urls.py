"""Storefront pages of this chapter (mounted at the site root)."""

urlpatterns: list = []
