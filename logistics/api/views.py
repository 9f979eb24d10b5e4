"""Logistics API: the seller's shipping templates and carriers (shop-scoped), the buyer's parcels
with their tracking (user-scoped), the carriers' signed tracking webhooks, and the reference
lists every client needs (regions, the platform's carriers). The seller's shipments endpoint,
which ships orders, is the orders chapter's (`orders.fulfilment.api`).

Seller endpoints derive from `shops.scoping.ShopScopedViewSet`: the shop is the X-Shop header's
(or the user's first), another shop's template is a 404; the role needs the "shipping" section.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from logistics import selectors, services
from logistics.adapters import OFFLINE
from logistics.api import serializers as s
from logistics.models import Shipment, ShippingTemplate
from logistics.regions import all_regions
from shops.roles import SHIPPING
from shops.scoping.api import X_SHOP_PARAMETER as X_SHOP
from shops.scoping.api import ShopScopedViewSet


@extend_schema(parameters=[X_SHOP])
class ShippingTemplateViewSet(
    ShopScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """The shop's shipping templates with their rules (by piece, weight or volume; rates per
    province; free-shipping thresholds; provinces not served; insurance)."""

    section = SHIPPING
    queryset = ShippingTemplate.objects.all()
    serializer_class = s.ShippingTemplateSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ShippingTemplate.objects.none()
        return selectors.list_shipping_templates(self.request.shop)

    def _save(self, serializer, template=None):
        fields, rules = serializer.merged(serializer.validated_data)
        return services.save_shipping_template(
            shop=self.request.shop,
            actor=self.request.user,
            template=template,
            fields=fields,
            rules=rules,
            request=self.request._request,
        )

    def _read(self, template):
        fresh = selectors.get_shipping_template_for_shop_or_404(
            shop=self.request.shop, pk=template.pk
        )
        return s.ShippingTemplateSerializer(fresh, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = self._save(serializer)
        return Response(self._read(template), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        template = self.get_object()
        serializer = self.get_serializer(template, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        template = self._save(serializer, template)
        return Response(self._read(template))

    def perform_destroy(self, instance):
        services.delete_shipping_template(
            shop=self.request.shop,
            actor=self.request.user,
            template=instance,
            request=self.request._request,
        )


@extend_schema(parameters=[X_SHOP])
class ShopCarriersView(APIView):
    """The carriers the shop ships with. PUT replaces the choice: carrier ids, the default one
    (the first when omitted) and optional account numbers by carrier id."""

    permission_classes = ShopScopedViewSet.permission_classes
    section = SHIPPING

    @extend_schema(responses=s.ShopCarrierSerializer(many=True))
    def get(self, request):
        links = selectors.list_shop_carriers(request.shop)
        return Response(s.ShopCarrierSerializer(links, many=True).data)

    @extend_schema(
        request=s.ShopCarrierChoiceSerializer, responses=s.ShopCarrierSerializer(many=True)
    )
    def put(self, request):
        serializer = s.ShopCarrierChoiceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.set_shop_carriers(
            shop=request.shop,
            actor=request.user,
            carrier_ids=data["carriers"],
            default_id=data.get("default"),
            account_numbers=data.get("account_numbers"),
            request=request._request,
        )
        links = selectors.list_shop_carriers(request.shop)
        return Response(s.ShopCarrierSerializer(links, many=True).data)


class CarrierListView(APIView):
    """The platform's active carriers, which shops may choose."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.CarrierSerializer(many=True))
    def get(self, request):
        return Response(s.CarrierSerializer(selectors.list_active_carriers(), many=True).data)


class RegionListView(APIView):
    """The destination provinces shipping templates use (code, names, area, remote)."""

    permission_classes = [AllowAny]

    @extend_schema(responses=s.RegionSerializer(many=True))
    def get(self, request):
        rows = [
            {
                "code": region.code,
                "name_en": region.name_en,
                "name_zh": region.name_zh,
                "area": region.area,
                "remote": region.remote,
            }
            for region in all_regions()
        ]
        return Response(s.RegionSerializer(rows, many=True).data)


# --- Parcels (buyer), carrier webhooks ----------------------------------------------------------
class BuyerParcelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your parcels (all shops), newest first, each with its tracking timeline and estimated
    delivery date. `?order=<number>` keeps one order's."""

    queryset = Shipment.objects.all()
    serializer_class = s.BuyerParcelSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Shipment.objects.none()
        parcels = selectors.list_buyer_parcels(self.request.user)
        order = self.request.query_params.get("order")
        if order:
            parcels = parcels.filter(order_number=order[:20])
        return parcels

    @extend_schema(
        parameters=[OpenApiParameter("order", str, description="An order number.")],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class CarrierWebhookView(APIView):
    """A carrier's tracking report for one parcel (see logistics/adapters.py for the format).

    Signed: `X-Carrier-Signature: sha256=<hex HMAC-SHA256 of the raw body>` under the carrier's
    secret (`LOGISTICS_WEBHOOK_SECRET_<ADAPTER>`). A bad or missing signature answers 401, an
    unknown tracking number 404, a malformed report 400; a replayed report records nothing new."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    adapter = OFFLINE

    @extend_schema(request=None, responses=s.WebhookResultSerializer)
    def post(self, request):
        result = services.receive_tracking_webhook(self.adapter, request.body, request.headers)
        return Response(
            {
                "tracking_number": result.shipment.tracking_number,
                "state": result.shipment.state,
                "recorded": result.recorded,
                "duplicates": result.duplicates,
            }
        )
