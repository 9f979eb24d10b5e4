"""Storefront pages of this chapter (mounted at the site root)."""

from django.urls import path

from logistics.views import storefront as views

urlpatterns = [
    path("parcels/<int:shipment_id>/", views.parcel_detail, name="logistics-parcel"),
]
