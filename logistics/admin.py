"""Django admin for platform staff: carriers (managed here), and a read-only view of shops'
carrier choices and shipping templates for support (shops change those in the seller center,
where the template rules are checked); shipments with their tracking, delivery alerts, and the
platform-wide delivery performance page (carrier scorecards), linked from the carriers list.

The orders chapter extends the carriers' admin (`orders.fulfilment.admin`) so that the
performance page also shows each shop's late-shipment rate, an orders rule: `CarrierAdmin`
offers `performance_context()` and `performance_template` for that."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from logistics import selectors
from logistics.models import (
    Carrier,
    Shipment,
    ShipmentLine,
    ShippingRule,
    ShippingTemplate,
    ShopCarrier,
    SlaAlert,
    TrackingEvent,
)
from logistics.regions import region_name
from marketplace.core.admin import ReadOnlyAdmin, ReadOnlyInline


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_en",
        "name_zh",
        "adapter",
        "adapter_state",
        "is_active",
        "position",
        "shop_count",
    ]
    list_editable = ["is_active", "position"]
    list_filter = ["is_active", "adapter"]
    search_fields = ["code", "name_en", "name_zh"]
    ordering = ["position", "code"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["code", "name_en", "name_zh", "is_active", "position"]}),
        (
            gettext_lazy("Integration"),
            {"fields": ["adapter", "tracking_url_pattern", "created_at", "updated_at"]},
        ),
    ]
    actions = ["activate", "deactivate"]
    change_list_template = "logistics/admin/carrier_change_list.html"
    performance_template = "logistics/admin/performance.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(shops=Count("shop_links"))

    def get_urls(self):
        view = self.admin_site.admin_view(lambda request: delivery_performance(request, self))
        return [
            path("performance/", view, name="logistics_carrier_performance"),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("shops"), ordering="shops")
    def shop_count(self, carrier):
        return carrier.shops

    @admin.display(description=gettext_lazy("adapter state"))
    def adapter_state(self, carrier):
        if carrier.simulated:
            return _("Simulated (test mode)")
        if carrier.adapter_configured:
            return _("Connected")
        return _("Needs credentials")

    @admin.action(description=gettext_lazy("Let shops choose the selected carriers"))
    def activate(self, request, queryset):
        count = queryset.update(is_active=True)
        self.message_user(
            request,
            ngettext("%(n)s carrier activated.", "%(n)s carriers activated.", count) % {"n": count},
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("Stop offering the selected carriers to shops"))
    def deactivate(self, request, queryset):
        count = queryset.update(is_active=False)
        self.message_user(
            request,
            ngettext("%(n)s carrier deactivated.", "%(n)s carriers deactivated.", count)
            % {"n": count},
            messages.SUCCESS,
        )

    def has_delete_permission(self, request, obj=None):
        return False  # shipments will point at carriers: deactivate instead

    def performance_context(self, request, *, since) -> dict:
        """More for the delivery performance page (the orders chapter adds the shops' rates)."""
        return {}


@admin.register(ShopCarrier)
class ShopCarrierAdmin(ReadOnlyAdmin):
    list_display = ["shop", "carrier", "is_default", "created_at"]
    list_filter = ["carrier", "is_default"]
    search_fields = ["shop__name", "shop__slug"]
    list_select_related = ["shop", "carrier"]


class ShippingRuleInline(ReadOnlyInline):
    model = ShippingRule
    fields = [
        "province_names",
        "first_units",
        "first_fee",
        "extra_units",
        "extra_fee",
        "free_shipping_applies",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("provinces"))
    def province_names(self, rule):
        return ", ".join(region_name(code) for code in rule.provinces)


@admin.register(ShippingTemplate)
class ShippingTemplateAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "shop",
        "basis",
        "first_fee",
        "extra_fee",
        "free_over_amount",
        "is_default",
        "updated_at",
    ]
    list_filter = ["basis", "is_default"]
    search_fields = ["name", "shop__name", "shop__slug"]
    list_select_related = ["shop"]
    inlines = [ShippingRuleInline]


# --- Shipments, tracking, alerts, performance ----------------------------------------------------
class ShipmentLineInline(ReadOnlyInline):
    model = ShipmentLine
    fields = ["sku_code", "title", "options", "quantity", "order_line_id"]
    readonly_fields = fields


class TrackingEventInline(ReadOnlyInline):
    model = TrackingEvent
    fields = ["occurred_at", "status", "region", "location", "description", "source", "received_at"]
    readonly_fields = fields
    ordering = ["-occurred_at", "-id"]


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    """Parcels of every shop, for support: read-only (tracking comes from the carriers)."""

    list_display = [
        "tracking_number",
        "carrier",
        "shop",
        "order_number",
        "state",
        "shipped_at",
        "last_event_at",
        "estimated_delivery",
        "delivered_at",
        "had_exception",
    ]
    list_filter = ["state", "carrier", "had_exception", "shipped_at"]
    search_fields = ["tracking_number", "order_number", "shop__name", "shop__slug"]
    list_select_related = ["shop", "carrier"]
    date_hierarchy = "shipped_at"
    inlines = [ShipmentLineInline, TrackingEventInline]
    readonly_fields = [field.name for field in Shipment._meta.fields]


@admin.register(SlaAlert)
class SlaAlertAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "shop", "order_number", "shipment", "since"]
    list_filter = ["kind", "created_at"]
    search_fields = ["order_number", "shop__name", "shop__slug"]
    list_select_related = ["shop", "shipment"]
    date_hierarchy = "created_at"


def delivery_performance(request, model_admin):
    """Platform-wide: each carrier's scorecard (SQL), and whatever the carriers' admin adds."""
    days = request.GET.get("days", "30")
    days = int(days) if days in ("30", "90", "365") else 30
    since = timezone.now() - timedelta(days=days)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext_lazy("Delivery performance"),
        "opts": model_admin.model._meta,
        "days": days,
        "periods": (30, 90, 365),
        "scores": selectors.carrier_scorecard(since=since),
        **model_admin.performance_context(request, since=since),
    }
    return TemplateResponse(request, model_admin.performance_template, context)
