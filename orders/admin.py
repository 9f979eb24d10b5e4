"""Django admin of the orders chapter: orders, checkouts, payments, provider events and refunds
(read-only: they change only through the services). The money side (ledgers, statements,
transfers, payouts, reconciliation) is in `orders.finance.admin`."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from marketplace.core.states import history
from orders.finance import admin as finance_admin  # noqa: F401 - registers the money side's admin
from orders.models import (
    Checkout,
    Order,
    OrderLine,
    Payment,
    PaymentAllocation,
    PaymentEvent,
    Refund,
)


# --- Orders, payments and their events (platform staff: support and finance) -------------------
class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = [
        "sku_code",
        "title",
        "options",
        "quantity",
        "quantity_shipped",
        "list_price",
        "discount_total",
        "line_total",
        "commission_rate",
    ]
    readonly_fields = fields


class AllocationInline(ReadOnlyInline):
    model = PaymentAllocation
    fields = ["payment", "order", "amount"]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders are changed only through the services (state machine, refunds): read-only here."""

    list_display = [
        "number",
        "shop",
        "buyer",
        "state",
        "total",
        "exception",
        "created_at",
        "paid_at",
        "respond_by",
    ]
    list_filter = ["state", "exception", "cancelled_by", "invoice_type", "created_at"]
    search_fields = ["number", "buyer__email", "recipient", "phone", "shop__name"]
    list_select_related = ["shop", "buyer"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline]
    readonly_fields = ["timeline"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Order._meta.concrete_fields] + ["timeline"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("timeline"))
    def timeline(self, obj):
        return format_html_join(
            "\n",
            "<div>{} · {} → {} · {}</div>",
            (
                (e.created_at.strftime("%Y-%m-%d %H:%M"), e.from_state or "—", e.to_state, e.reason)
                for e in history(obj)
            ),
        )


@admin.register(Checkout)
class CheckoutAdmin(admin.ModelAdmin):
    list_display = ["token", "buyer", "grand_total", "currency", "created_at"]
    search_fields = ["token", "buyer__email"]
    list_select_related = ["buyer"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Checkout._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "provider",
        "provider_ref",
        "state",
        "amount",
        "currency",
        "created_at",
        "succeeded_at",
    ]
    list_filter = ["provider", "state", "created_at"]
    search_fields = ["provider_ref", "checkout__token", "buyer__email"]
    inlines = [AllocationInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Payment._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PaymentEvent)
class PaymentEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "provider", "type", "outcome", "payment_ref", "received_at"]
    list_filter = ["provider", "outcome", "type"]
    search_fields = ["event_id", "payment_ref"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in PaymentEvent._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "order",
        "amount",
        "currency",
        "reason",
        "state",
        "created_at",
        "completed_at",
    ]
    list_filter = ["state", "reason"]
    search_fields = ["order__number", "provider_ref"]
    list_select_related = ["order"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Refund._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
