"""Seller-center pages of this chapter (mounted under /seller/, scoped by shops.scoping)."""

urlpatterns: list = []
