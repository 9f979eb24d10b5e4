"""Django admin of the orders chapter: orders, checkouts, payments, provider events and refunds
(read-only: they change only through the services). The money side (ledgers, statements,
transfers, payouts, reconciliation) is in `orders.finance.admin`."""

from django.contrib import admin

from marketplace.core.admin import ReadOnlyAdmin, ReadOnlyInline, StateHistoryAdminMixin
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
    fields = ["payment", "order", "amount", "refunded"]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(StateHistoryAdminMixin, ReadOnlyAdmin):
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
    readonly_fields = [*(f.name for f in Order._meta.concrete_fields), "state_history"]
    show_full_result_count = False


@admin.register(Checkout)
class CheckoutAdmin(ReadOnlyAdmin):
    list_display = ["token", "buyer", "grand_total", "currency", "created_at"]
    search_fields = ["token", "buyer__email"]
    list_select_related = ["buyer"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Checkout._meta.concrete_fields]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "provider",
        "provider_ref",
        "state",
        "amount",
        "refunded",
        "currency",
        "created_at",
        "succeeded_at",
    ]
    list_filter = ["provider", "state", "created_at"]
    search_fields = ["provider_ref", "checkout__token", "buyer__email"]
    inlines = [AllocationInline]
    readonly_fields = [f.name for f in Payment._meta.concrete_fields]


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "provider", "type", "outcome", "payment_ref", "received_at"]
    list_filter = ["provider", "outcome", "type"]
    search_fields = ["event_id", "payment_ref"]
    readonly_fields = [f.name for f in PaymentEvent._meta.concrete_fields]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
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
    readonly_fields = [f.name for f in Refund._meta.concrete_fields]
