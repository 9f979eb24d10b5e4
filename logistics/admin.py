"""Django admin for platform staff: carriers (managed here), and a read-only view of shops'
carrier choices and shipping templates for support (shops change those in the seller center,
where the template rules are checked)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from logistics.models import Carrier, ShippingRule, ShippingTemplate, ShopCarrier
from logistics.regions import region_name


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

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(shops=Count("shop_links"))

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


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ShopCarrier)
class ShopCarrierAdmin(ReadOnlyAdmin):
    list_display = ["shop", "carrier", "is_default", "created_at"]
    list_filter = ["carrier", "is_default"]
    search_fields = ["shop__name", "shop__slug"]
    list_select_related = ["shop", "carrier"]


class ShippingRuleInline(admin.TabularInline):
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
    extra = 0
    can_delete = False

    @admin.display(description=gettext_lazy("provinces"))
    def province_names(self, rule):
        return ", ".join(region_name(code) for code in rule.provinces)

    def has_add_permission(self, request, obj=None):
        return False


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
