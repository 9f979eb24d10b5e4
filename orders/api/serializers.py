"""Serializers of the orders API. Input serializers are strict (unknown fields refused); money is
a decimal string; prices are never accepted from the client."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from marketplace.core.api import StrictSerializer
from orders.models import (
    MAX_LINE_QUANTITY,
    CartLine,
    Checkout,
    InvoiceType,
    Order,
    OrderLine,
    Payment,
)
from orders.payments import get_provider

MONEY = {"max_digits": 12, "decimal_places": 2}


# An order's state is documented as text listing its values, not as an enum component: the
# schema's enum naming would collide with the other chapters' "state" enums (drf-spectacular W001).
@extend_schema_field(
    {"type": "string", "description": "One of: " + ", ".join(Order.State.values) + "."}
)
class OrderStateField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": list(Payment.State.values)})
class PaymentStateField(serializers.CharField):
    pass


# --- Cart -----------------------------------------------------------------------------------------
class CartLineInSerializer(StrictSerializer):
    sku = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)


class CartQuantitySerializer(StrictSerializer):
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)


class CartLineSerializer(serializers.ModelSerializer):
    sku = serializers.IntegerField(source="sku_id", read_only=True)
    title = serializers.CharField(source="sku.product.title", read_only=True)
    options = serializers.CharField(source="sku.option_label", read_only=True)
    shop = serializers.IntegerField(source="sku.shop_id", read_only=True)
    price = serializers.DecimalField(source="sku.price", read_only=True, **MONEY)

    class Meta:
        model = CartLine
        fields = ["id", "sku", "shop", "title", "options", "quantity", "price", "added_price"]
        read_only_fields = fields


class CartItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="line.pk")
    sku = serializers.IntegerField(source="line.sku_id")
    title = serializers.CharField(source="product.title")
    options = serializers.CharField(source="sku.option_label")
    quantity = serializers.IntegerField(source="line.quantity")
    available = serializers.IntegerField(source="sku.stock")
    price = serializers.DecimalField(source="sku.price", **MONEY)
    added_price = serializers.DecimalField(source="line.added_price", **MONEY)
    price_changed = serializers.SerializerMethodField()
    line_total = serializers.SerializerMethodField()
    problem = serializers.CharField()
    problem_code = serializers.CharField()

    def get_price_changed(self, item) -> bool:
        return bool(item.priced and item.priced.price_changed)

    def get_line_total(self, item) -> str | None:
        return str(item.priced.line_total) if item.priced else None


class CartGroupSerializer(serializers.Serializer):
    shop = serializers.IntegerField(source="shop.pk")
    shop_name = serializers.CharField(source="shop.name")
    items = CartItemSerializer(many=True)
    merchandise_total = serializers.SerializerMethodField()

    def get_merchandise_total(self, group) -> str | None:
        return str(group.priced.merchandise_total) if group.priced else None


class CartSerializer(serializers.Serializer):
    groups = CartGroupSerializer(many=True)
    units = serializers.IntegerField()
    can_check_out = serializers.BooleanField()
    subtotal = serializers.SerializerMethodField()
    discount_total = serializers.SerializerMethodField()

    def get_subtotal(self, summary) -> str:
        return str(summary.priced.subtotal) if summary.priced else "0.00"

    def get_discount_total(self, summary) -> str:
        return str(summary.priced.discount_total) if summary.priced else "0.00"


# --- Checkout -------------------------------------------------------------------------------------
class ShopChoiceSerializer(StrictSerializer):
    shop = serializers.IntegerField()
    carrier = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    insure = serializers.BooleanField(required=False, default=False)


class CheckoutInSerializer(StrictSerializer):
    token = serializers.UUIDField(
        help_text="A UUID you generate per checkout: submitting it again returns the same orders."
    )
    address = serializers.IntegerField(help_text="One of your saved addresses.")
    shops = ShopChoiceSerializer(many=True, required=False, default=list)
    invoice_type = serializers.ChoiceField(choices=InvoiceType.choices, required=False, default="")
    invoice_title = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default=""
    )
    invoice_tax_number = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )
    expected_total = serializers.DecimalField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The total you showed the buyer; refused (409) if the server's differs.",
        **MONEY,
    )


class PaymentSerializer(serializers.ModelSerializer):
    state = PaymentStateField(read_only=True)
    test_mode = serializers.SerializerMethodField()
    orders = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "provider",
            "provider_ref",
            "state",
            "amount",
            "currency",
            "redirect_url",
            "client_data",
            "failure_reason",
            "test_mode",
            "orders",
        ]
        read_only_fields = fields

    def get_test_mode(self, payment) -> bool:
        try:
            return get_provider(payment.provider).test_mode
        except Exception:  # a provider that is no longer configured
            return False


class OrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = [
            "id",
            "sku",
            "title",
            "sku_code",
            "options",
            "quantity",
            "quantity_shipped",
            "list_price",
            "unit_price",
            "discount_total",
            "line_total",
            "discounts",
        ]
        read_only_fields = fields


class OrderSummarySerializer(serializers.ModelSerializer):
    state = OrderStateField(read_only=True)
    shop_name = serializers.CharField(source="shop.name", read_only=True)
    lines = OrderLineSerializer(many=True, read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Order
        fields = [
            "number",
            "shop",
            "shop_name",
            "state",
            "currency",
            "subtotal",
            "discount_total",
            "shipping",
            "total",
            "created_at",
            "payment_due_at",
            "paid_at",
            "respond_by",
            "is_overdue",
            "exception",
            "lines",
        ]
        read_only_fields = fields


class TimelineEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    kind = serializers.CharField(source="machine")
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()
    by = serializers.SerializerMethodField()

    def get_by(self, event) -> str:
        if event.actor_id is None:
            return "system"
        order = self.context.get("order")
        return "buyer" if order is not None and event.actor_id == order.buyer_id else "shop"


class OrderDetailSerializer(OrderSummarySerializer):
    timeline = serializers.SerializerMethodField()
    # Declared, because a read-only model field loses `allow_blank` in DRF and the schema would
    # then refuse the "" of an order nobody cancelled.
    cancelled_by = serializers.ChoiceField(
        choices=Order.CancelledBy.choices, allow_blank=True, read_only=True
    )

    class Meta(OrderSummarySerializer.Meta):
        fields = [
            *OrderSummarySerializer.Meta.fields,
            "recipient",
            "phone",
            "province",
            "city",
            "district",
            "detail",
            "postcode",
            "carrier_name",
            "insured",
            "note",
            "invoice_type",
            "invoice_title",
            "invoice_tax_number",
            "accepted_at",
            "shipped_at",
            "delivered_at",
            "completed_at",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "exception_note",
            "timeline",
        ]
        read_only_fields = fields

    def get_timeline(self, order) -> list[dict]:
        from orders.selectors import order_timeline

        return TimelineEventSerializer(
            order_timeline(order), many=True, context={"order": order}
        ).data


class CheckoutSerializer(serializers.ModelSerializer):
    orders = OrderSummarySerializer(many=True, read_only=True)
    payment = serializers.SerializerMethodField()

    class Meta:
        model = Checkout
        fields = [
            "token",
            "created_at",
            "currency",
            "subtotal",
            "discount_total",
            "shipping_total",
            "grand_total",
            "orders",
            "payment",
        ]
        read_only_fields = fields

    def get_payment(self, checkout) -> dict | None:
        from orders.selectors import latest_payment

        payment = latest_payment(checkout)
        return PaymentSerializer(payment).data if payment else None


class CancelSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class BulkAcceptSerializer(StrictSerializer):
    numbers = serializers.ListField(
        child=serializers.CharField(max_length=20), min_length=1, max_length=200
    )


class BulkAcceptResultSerializer(serializers.Serializer):
    accepted = serializers.ListField(child=serializers.CharField())
    refused = serializers.DictField(child=serializers.CharField())


class SellerOrderSerializer(OrderDetailSerializer):
    buyer_name = serializers.CharField(source="buyer.get_short_name", read_only=True)
    minutes_to_respond = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta(OrderDetailSerializer.Meta):
        fields = [
            *OrderDetailSerializer.Meta.fields,
            "buyer_name",
            "minutes_to_respond",
            "discount_shop",
            "discount_platform",
        ]
        read_only_fields = fields


class SellerOrderListSerializer(OrderSummarySerializer):
    buyer_name = serializers.CharField(source="buyer.get_short_name", read_only=True)
    minutes_to_respond = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta(OrderSummarySerializer.Meta):
        fields = [
            *OrderSummarySerializer.Meta.fields,
            "buyer_name",
            "minutes_to_respond",
            "recipient",
            "province",
            "city",
        ]
        read_only_fields = fields


@extend_schema_serializer(component_name="PaymentWebhookResult")
class WebhookResultSerializer(serializers.Serializer):
    event = serializers.CharField()
    outcome = serializers.CharField()
