"""Storefront pages of this chapter (mounted at the site root)."""

from django.urls import path

from logistics import storefront_views

urlpatterns = [
    path("parcels/<int:shipment_id>/", storefront_views.parcel_detail, name="logistics-parcel"),
]
