"""The seller's shipments endpoint (`/api/v1/seller/shipments/`, mounted by `orders/api/urls.py`):
the shop's parcels with their tracking (logistics' records), and shipping orders, one parcel or
several at once (the orders chapter's services).

Derives from `shops.scoping.ShopScopedViewSet`: the shop is the X-Shop header's (or the user's
first), another shop's parcel or order is a 404; the role needs the "shipping" section.
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from logistics import selectors as logistics_selectors
from logistics.api.serializers import ShipmentSerializer
from logistics.errors import RowErrors
from logistics.models import Shipment
from logistics.services.shipments import normalise_tracking_number
from marketplace.core.api import StrictSerializer
from orders.fulfilment import services
from orders.fulfilment.services import ParcelToShip
from shops.roles import SHIPPING
from shops.scoping.api import X_SHOP_PARAMETER as X_SHOP
from shops.scoping.api import ShopScopedViewSet


class ShipLineSerializer(StrictSerializer):
    line_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=100000)


class ShipSerializer(StrictSerializer):
    """Ship a parcel of one of your orders. Without `lines`, everything left to ship goes."""

    order_number = serializers.CharField(max_length=20)
    carrier = serializers.IntegerField(help_text=_("The id of one of your carriers."))
    tracking_number = serializers.CharField(max_length=60)
    lines = ShipLineSerializer(many=True, required=False)
    cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True
    )

    def parcel(self) -> ParcelToShip:
        return parcel_from(self.validated_data)


def parcel_from(data) -> ParcelToShip:
    """The parcel to ship from validated `ShipSerializer` data."""
    quantities = None
    if data.get("lines"):
        quantities = {}
        for line in data["lines"]:
            quantities[line["line_id"]] = quantities.get(line["line_id"], 0) + line["quantity"]
    return ParcelToShip(
        order_number=data["order_number"],
        carrier_id=data["carrier"],
        tracking_number=data["tracking_number"],
        quantities=quantities,
        cost=data.get("cost"),
    )


class BulkShipSerializer(StrictSerializer):
    parcels = ShipSerializer(many=True, allow_empty=False, max_length=500)


class BulkShipResultSerializer(StrictSerializer):
    shipments = ShipmentSerializer(many=True)


class ShipmentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Shipment.State.choices)
    order_number = django_filters.CharFilter()
    tracking_number = django_filters.CharFilter(method="by_tracking_number")

    class Meta:
        model = Shipment
        fields = ["state", "order_number", "tracking_number"]

    def by_tracking_number(self, queryset, name, value):
        return queryset.filter(tracking_number=normalise_tracking_number(value))


@extend_schema(parameters=[X_SHOP])
class ShipmentViewSet(
    ShopScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """The shop's parcels with their tracking. POST ships a parcel of one of your orders (all of
    what is left, or the `lines` given): the order becomes partly shipped or shipped. `bulk`
    ships several parcels: all of them or none (errors name each parcel by its index)."""

    section = SHIPPING
    queryset = Shipment.objects.all()
    serializer_class = ShipmentSerializer
    filterset_class = ShipmentFilter
    ordering_fields = ["shipped_at", "last_event_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Shipment.objects.none()
        return logistics_selectors.list_shop_parcels(self.request.shop)

    @extend_schema(request=ShipSerializer, responses={201: ShipmentSerializer})
    def create(self, request, *args, **kwargs):
        data = ShipSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shipment = services.ship_parcel(
            shop=request.shop, actor=request.user, parcel=data.parcel(), request=request._request
        )
        fresh = self.get_queryset().get(pk=shipment.pk)
        return Response(ShipmentSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BulkShipSerializer, responses={201: BulkShipResultSerializer})
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        data = BulkShipSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parcels = [parcel_from(item) for item in data.validated_data["parcels"]]
        try:
            shipments = services.ship_orders(
                shop=request.shop, actor=request.user, parcels=parcels, request=request._request
            )
        except RowErrors as refused:
            fields = {
                f"parcels[{index}].{name}": [message] for index, name, message in refused.rows
            }
            body = {
                "error": {"code": refused.code, "message": str(refused.message), "fields": fields}
            }
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        fresh = self.get_queryset().filter(pk__in=[shipment.pk for shipment in shipments])
        return Response(
            {"shipments": ShipmentSerializer(fresh, many=True).data},
            status=status.HTTP_201_CREATED,
        )
