"""Admin of the reference data: the terms (deposit, fees, commission) per shop type."""

from __future__ import annotations

from django.contrib import admin

from shops.models import ShopTypeTerms


@admin.register(ShopTypeTerms)
class ShopTypeTermsAdmin(admin.ModelAdmin):
    list_display = [
        "shop_type",
        "deposit",
        "annual_fee",
        "commission_rate",
        "currency",
        "accepting_applications",
        "updated_at",
    ]
    list_editable = ["deposit", "annual_fee", "commission_rate", "accepting_applications"]

    def has_add_permission(self, request):
        return False  # one row per shop type, seeded by a migration

    def has_delete_permission(self, request, obj=None):
        return False
