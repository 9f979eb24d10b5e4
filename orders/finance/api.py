"""The money side of the orders API: Stripe's webhook, and the seller's ledger, balance and
settlement statements (shop-scoped, through `shops.scoping.ShopScopedViewSet`).

    POST /api/v1/payments/stripe/webhook/          Stripe → us (signature checked, no session)
    GET  /api/v1/seller/finance/balance/           pending and available, per currency
    GET  /api/v1/seller/finance/ledger/            entries, filterable; /{id}/ one entry
    GET  /api/v1/seller/finance/statements/        statements; /{id}/ one statement
"""

from __future__ import annotations

import django_filters
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from orders.finance.services import ledger
from orders.models import LedgerEntry, Statement
from orders.services.payments import receive_payment_event
from shops.roles import FINANCE
from shops.scoping.api import X_SHOP_PARAMETER as X_SHOP
from shops.scoping.api import ShopScopedViewSet

MONEY = {"max_digits": 12, "decimal_places": 2}


# --- Stripe's webhook -------------------------------------------------------------------------
class WebhookOutcomeSerializer(serializers.Serializer):
    event = serializers.CharField()
    outcome = serializers.CharField()


class StripeWebhookView(APIView):
    """Stripe's events (payment intents, refunds). The `Stripe-Signature` header is verified with
    the webhook secret; a bad one is a 400 and changes nothing. Each event is applied once: a
    replay answers what the first delivery did. An authentic event that does not match our
    payment (amount, currency, checkout) or names no payment of ours is recorded and refused
    (`outcome` says which) with a 200, so Stripe does not send it again."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    parser_classes: list = []  # the raw body is what Stripe signed

    @extend_schema(request=None, responses=WebhookOutcomeSerializer, auth=[])
    def post(self, request):
        record = receive_payment_event("stripe", request.body, request.headers)
        return Response({"event": record.event_id, "outcome": record.outcome})


# --- Seller: ledger, balance, statements --------------------------------------------------------
class LedgerEntrySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    pending = serializers.BooleanField(source="is_pending", read_only=True)

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "kind",
            "kind_label",
            "amount",
            "currency",
            "order_number",
            "memo",
            "created_at",
            "available_at",
            "pending",
        ]
        read_only_fields = fields


class StatementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Statement
        fields = [
            "id",
            "currency",
            "period_start",
            "period_end",
            "opening_balance",
            "sales",
            "commissions",
            "refunds",
            "adjustments",
            "payouts",
            "closing_balance",
            "available_at_close",
            "pending_at_close",
            "entry_count",
            "generated_at",
        ]
        read_only_fields = fields


class BalanceSerializer(serializers.Serializer):
    currency = serializers.CharField()
    pending = serializers.DecimalField(**MONEY)
    available = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)


class LedgerFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=LedgerEntry.Kind.choices)
    state = django_filters.ChoiceFilter(
        choices=[("pending", "pending"), ("available", "available")], method="filter_state"
    )
    booked_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    booked_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")
    order = django_filters.CharFilter(field_name="order_number", lookup_expr="iexact")
    currency = django_filters.CharFilter(field_name="currency", lookup_expr="iexact")

    class Meta:
        model = LedgerEntry
        fields = ["kind", "state", "booked_from", "booked_to", "order", "currency"]

    def filter_state(self, queryset, name, value):
        now = timezone.now()
        return queryset.pending(now=now) if value == "pending" else queryset.available(now=now)


@extend_schema(parameters=[X_SHOP])
class LedgerEntryViewSet(ShopScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The current shop's ledger (append-only), newest first."""

    section = FINANCE
    queryset = LedgerEntry.objects.all()
    serializer_class = LedgerEntrySerializer
    filterset_class = LedgerFilter

    def scope_queryset(self, queryset):
        return ledger.list_entries(self.request.shop)


@extend_schema(parameters=[X_SHOP])
class StatementViewSet(ShopScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The current shop's settlement statements, newest period first."""

    section = FINANCE
    queryset = Statement.objects.all()
    serializer_class = StatementSerializer

    def scope_queryset(self, queryset):
        return ledger.list_statements(self.request.shop)


@extend_schema(parameters=[X_SHOP])
class BalanceView(APIView):
    """The current shop's balance per currency: pending (orders not completed) and available."""

    permission_classes = ShopScopedViewSet.permission_classes
    section = FINANCE

    @extend_schema(responses=BalanceSerializer(many=True))
    def get(self, request):
        balances = ledger.balances(request.shop)
        return Response(BalanceSerializer(balances, many=True).data)


router = SimpleRouter()
router.register("seller/finance/ledger", LedgerEntryViewSet, basename="seller-ledger")
router.register("seller/finance/statements", StatementViewSet, basename="seller-statement")

urlpatterns = [
    path("payments/stripe/webhook/", StripeWebhookView.as_view(), name="payments-stripe-webhook"),
    path("seller/finance/balance/", BalanceView.as_view(), name="seller-balance"),
    *router.urls,
]
