"""The orders API: the buyer's cart, checkout and orders; the seller's orders (shop-scoped, in the
tenancy walk); the offline provider's webhook.

Buyer endpoints act on the authenticated user's own rows only (another buyer's order, checkout or
cart line is a 404). Seller endpoints derive from `shops.scoping.ShopScopedViewSet` (X-Shop header,
role "orders", another shop's order is a 404). Services raise `DomainError`s, which the project's
exception handler turns into the one JSON error shape (400, or 409 for a state conflict).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from orders import selectors, services
from orders.api import filters
from orders.api import serializers as s
from orders.errors import ErrorCode, OrdersError
from orders.models import CartLine, Checkout, Order, OrderLine
from orders.services.cart import cart_of_user
from orders.services.placement import InvoiceRequest, ShopChoice
from orders.shipping import estimate_quoter, quoter_for
from shops.roles import ORDERS
from shops.scoping.api import X_SHOP_PARAMETER as X_SHOP
from shops.scoping.api import ShopScopedViewSet


def _lines_prefetch():
    return Prefetch("lines", queryset=OrderLine.objects.order_by("id"))


# --- Cart -----------------------------------------------------------------------------------------
class CartView(APIView):
    """Your cart, grouped by shop, each line checked against stock and priced by the price engine
    (shipping is quoted at checkout)."""

    @extend_schema(responses=s.CartSerializer)
    def get(self, request):
        summary = selectors.summarise_cart(
            cart_of_user(request.user), buyer=request.user, quoter=estimate_quoter()
        )
        return Response(s.CartSerializer(summary).data)


class CartAcceptPricesView(APIView):
    """You saw the changed prices: they become the reference (the flags clear)."""

    @extend_schema(request=None, responses=s.CartSerializer)
    def post(self, request):
        cart = cart_of_user(request.user)
        if cart is not None:
            services.accept_current_prices(cart=cart)
        return CartView().get(request)


class CartLineViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Lines of your cart: add (to what is there), change the quantity, remove."""

    queryset = CartLine.objects.all()
    serializer_class = s.CartLineSerializer
    http_method_names = ["get", "post", "patch", "delete"]
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CartLine.objects.none()
        return CartLine.objects.filter(cart__user=self.request.user).select_related(
            "sku", "sku__product"
        )

    @extend_schema(request=s.CartLineInSerializer, responses={201: s.CartLineSerializer})
    def create(self, request, *args, **kwargs):
        data = s.CartLineInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = services.add_to_cart(
            cart=cart_of_user(request.user, create=True),
            sku_id=data.validated_data["sku"],
            quantity=data.validated_data["quantity"],
        )
        line = self.get_queryset().get(pk=line.pk)
        return Response(s.CartLineSerializer(line).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CartQuantitySerializer, responses=s.CartLineSerializer)
    def partial_update(self, request, *args, **kwargs):
        line = self.get_object()
        data = s.CartQuantitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.update_quantity(
            cart=line.cart, line_id=line.pk, quantity=data.validated_data["quantity"]
        )
        return Response(s.CartLineSerializer(self.get_queryset().get(pk=line.pk)).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        line = self.get_object()
        services.remove_line(cart=line.cart, line_id=line.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Checkout -------------------------------------------------------------------------------------
class CheckoutViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Place your cart as one order per shop and one payment (POST), or read a checkout back.

    POST is idempotent by `token`: the same token returns the same orders (200 instead of 201).
    Prices, discounts and shipping are computed on the server; `expected_total`, when given,
    must match or nothing is placed (409 `prices_changed`).
    """

    queryset = Checkout.objects.all()
    serializer_class = s.CheckoutSerializer
    lookup_field = "token"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Checkout.objects.none()
        return Checkout.objects.filter(buyer=self.request.user).prefetch_related(
            Prefetch("orders", queryset=Order.objects.select_related("shop").order_by("shop_id")),
            "orders__lines",
        )

    @extend_schema(
        request=s.CheckoutInSerializer,
        responses={201: s.CheckoutSerializer, 200: s.CheckoutSerializer},
    )
    def create(self, request):
        data = s.CheckoutInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        placement = services.place_order(
            buyer=request.user,
            token=values["token"],
            address_id=values["address"],
            choices={
                choice["shop"]: ShopChoice(
                    carrier_code=choice["carrier"], note=choice["note"], insure=choice["insure"]
                )
                for choice in values["shops"]
            },
            invoice=InvoiceRequest(
                type=values["invoice_type"],
                title=values["invoice_title"],
                tax_number=values["invoice_tax_number"],
            ),
            expected_total=values.get("expected_total"),
        )
        checkout = self.get_queryset().get(pk=placement.checkout.pk)
        return Response(
            s.CheckoutSerializer(checkout).data,
            status=status.HTTP_201_CREATED if placement.created else status.HTTP_200_OK,
        )


class CheckoutQuoteView(APIView):
    """What checking out to one of your addresses would cost now (nothing is written)."""

    @extend_schema(
        parameters=[OpenApiParameter("address", int, required=True)],
        responses=s.CartSerializer,
    )
    def get(self, request):
        value = request.query_params.get("address", "")
        address = request.user.addresses.filter(pk=int(value)).first() if value.isdigit() else None
        if address is None:
            raise OrdersError(
                _("Choose one of your addresses."), code=ErrorCode.NO_ADDRESS, field="address"
            )
        summary = selectors.summarise_cart(
            cart_of_user(request.user),
            buyer=request.user,
            quoter=quoter_for(province=address.province),
        )
        data = s.CartSerializer(summary).data
        priced = summary.priced
        data["shipping_total"] = str(priced.shipping_total) if priced else "0.00"
        data["grand_total"] = str(priced.grand_total) if priced else "0.00"
        return Response(data)


# --- The buyer's orders ---------------------------------------------------------------------------
class BuyerOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your orders (all shops), with lines; one order with its timeline; cancel before shipping;
    pay again while unpaid; confirm receipt."""

    queryset = Order.objects.all()
    lookup_field = "number"
    filterset_class = filters.BuyerOrderFilter
    ordering_fields = ["created_at", "total"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        return (
            Order.objects.for_buyer(self.request.user)
            .select_related("shop")
            .prefetch_related(_lines_prefetch())
            .order_by("-created_at", "-id")
        )

    def get_serializer_class(self):
        return s.OrderSummarySerializer if self.action == "list" else s.OrderDetailSerializer

    @extend_schema(request=s.CancelSerializer, responses=s.OrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        order = self.get_object()
        data = s.CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.cancel_order(
            order,
            by=Order.CancelledBy.BUYER,
            actor=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(s.OrderDetailSerializer(self.get_object()).data)

    @extend_schema(request=None, responses=s.PaymentSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, number=None):
        payment = services.pay_again(order=self.get_object(), buyer=request.user)
        return Response(s.PaymentSerializer(payment).data)

    @extend_schema(request=None, responses=s.OrderDetailSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-receipt")
    def confirm_receipt(self, request, number=None):
        services.confirm_receipt(self.get_object(), buyer=request.user)
        return Response(s.OrderDetailSerializer(self.get_object()).data)


# --- The seller's orders --------------------------------------------------------------------------
@extend_schema(parameters=[X_SHOP])
class SellerOrderViewSet(ShopScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The current shop's orders: filter by state, date, overdue, exceptions; accept (one or in
    bulk); cancel with a reason. Another shop's order is a 404."""

    section = ORDERS
    queryset = Order.objects.all()
    serializer_class = s.SellerOrderSerializer
    lookup_field = "number"
    filterset_class = filters.SellerOrderFilter

    def get_serializer_class(self):
        return s.SellerOrderListSerializer if self.action == "list" else s.SellerOrderSerializer

    ordering_fields = ["created_at", "respond_by", "total"]

    def scope_queryset(self, queryset):
        return (
            queryset.filter(shop=self.request.shop)
            .select_related("shop", "buyer")
            .prefetch_related(_lines_prefetch())
            .order_by("-created_at", "-id")
        )

    @extend_schema(request=None, responses=s.SellerOrderSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, number=None):
        order = self.get_object()
        services.accept_order(order, shop=request.shop, actor=request.user)
        return Response(s.SellerOrderSerializer(self.get_object()).data)

    @extend_schema(request=s.CancelSerializer, responses=s.SellerOrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        order = self.get_object()
        data = s.CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.cancel_order(
            order,
            by=Order.CancelledBy.SELLER,
            actor=request.user,
            reason=data.validated_data["reason"],
            shop=request.shop,
        )
        return Response(s.SellerOrderSerializer(self.get_object()).data)

    @extend_schema(request=s.BulkAcceptSerializer, responses=s.BulkAcceptResultSerializer)
    @action(detail=False, methods=["post"], url_path="bulk-accept")
    def bulk_accept(self, request):
        data = s.BulkAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accepted, refused = services.accept_orders(
            shop=request.shop, actor=request.user, numbers=data.validated_data["numbers"]
        )
        return Response({"accepted": [o.number for o in accepted], "refused": dict(refused)})


# --- Webhooks -------------------------------------------------------------------------------------
class OfflineWebhookView(APIView):
    """The offline (test-mode) provider's signed payment events, handled exactly like the Stripe
    webhook: signature checked (header `Offline-Signature: t=…,v1=…`), each event applied once."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list = []
    provider = "offline"

    @extend_schema(request=None, responses=s.WebhookResultSerializer)
    def post(self, request):
        record = services.receive_payment_event(self.provider, request.body, request.headers)
        return Response({"event": record.event_id, "outcome": record.outcome})
