"""Reads of logistics data that pages and the API share. Each takes the shop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import get_language

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
from marketplace.core.money import quantize
from shops.scoping.models import get_for_shop_or_404


def list_shipping_templates(shop) -> QuerySet[ShippingTemplate]:
    """The shop's templates with their rules (two queries whatever the count)."""
    return (
        ShippingTemplate.objects.for_shop(shop)
        .annotate(rule_count=Count("rules"))
        .prefetch_related(
            Prefetch("rules", queryset=ShippingRule.objects.order_by("position", "id"))
        )
        .order_by("-is_default", "name", "id")
    )


def get_shipping_template_for_shop_or_404(*, shop, pk) -> ShippingTemplate:
    """One of the shop's templates with its rules; another shop's, or none, is a 404."""
    return get_for_shop_or_404(
        ShippingTemplate.objects.prefetch_related(
            Prefetch("rules", queryset=ShippingRule.objects.order_by("position", "id"))
        ),
        shop=shop,
        pk=pk,
    )


def list_active_carriers() -> QuerySet[Carrier]:
    return Carrier.objects.filter(is_active=True).order_by("position", "code")


def list_shop_carriers(shop) -> QuerySet[ShopCarrier]:
    return (
        ShopCarrier.objects.for_shop(shop)
        .select_related("carrier")
        .order_by("-is_default", "carrier__position", "carrier__code")
    )


def shop_carrier_ids_by_name(shop) -> dict[str, int]:
    """The shop's active carriers by code and by name in either language, lower-cased (as a
    bulk-shipping file may name them): {name: carrier id}. One query."""
    found: dict[str, int] = {}
    links = ShopCarrier.objects.for_shop(shop).filter(carrier__is_active=True)
    for link in links.select_related("carrier"):
        carrier = link.carrier
        for name in (carrier.code, carrier.name_en, carrier.name_zh):
            found.setdefault(name.strip().lower(), carrier.pk)
    return found


# --- Shipments and tracking ---------------------------------------------------------------------
def _timeline():
    return Prefetch("events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-id"))


def list_shipments(shop, *, state: str = "", stalled_before=None, query: str = ""):
    """The shop's parcels, newest first, with carrier and lines (two queries per page)."""
    shipments = Shipment.objects.for_shop(shop).select_related("carrier")
    if state == "open":
        shipments = shipments.open()
    elif state in Shipment.State.values:
        shipments = shipments.filter(state=state)
    if stalled_before is not None:
        shipments = shipments.open().filter(last_event_at__lt=stalled_before)
    query = (query or "").strip()
    if query:
        shipments = shipments.filter(
            Q(order_number__startswith=query) | Q(tracking_number__startswith=query.upper())
        )
    return shipments.prefetch_related(
        Prefetch("lines", queryset=ShipmentLine.objects.order_by("id"))
    ).order_by("-shipped_at", "-id")


def list_shop_parcels(shop):
    """The shop's parcels, newest first, with carrier, lines and tracking events (three queries
    per page): the API's list."""
    return (
        Shipment.objects.for_shop(shop)
        .select_related("carrier")
        .prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.order_by("id")), _timeline()
        )
        .order_by("-shipped_at", "-id")
    )


def tracking_numbers_taken(*, carrier_ids, numbers) -> dict[tuple[int, str], tuple[int, str]]:
    """Which of these tracking numbers parcels already use, whichever shop shipped them:
    {(carrier id, number): (shop id, order number)}. One query."""
    return {
        (carrier_id, number): (shop_id, order_number)
        for carrier_id, number, shop_id, order_number in Shipment.objects.filter(
            carrier_id__in=set(carrier_ids), tracking_number__in=set(numbers)
        ).values_list("carrier_id", "tracking_number", "shop_id", "order_number")
    }


def shipment_counts(shop, *, stalled_before) -> dict[str, int]:
    """The shipments page's header counters (one query)."""
    return Shipment.objects.for_shop(shop).aggregate(
        open=Count("pk", filter=~Q(state=Shipment.State.DELIVERED)),
        exceptions=Count("pk", filter=Q(state=Shipment.State.EXCEPTION)),
        stalled=Count(
            "pk", filter=~Q(state=Shipment.State.DELIVERED) & Q(last_event_at__lt=stalled_before)
        ),
    )


def shipments_of_order(*, shop=None, buyer=None, order_id=None, order_number=None):
    """The parcels of one order, with carrier, lines and tracking events (three queries).
    Scoped to the shop (seller pages) or to the buyer (storefront); neither means none."""
    if shop is not None:
        shipments = Shipment.objects.for_shop(shop)
    elif buyer is not None:
        shipments = Shipment.objects.for_buyer(buyer)
    else:
        return Shipment.objects.none()
    if order_id is not None:
        shipments = shipments.filter(order_id=order_id)
    else:
        shipments = shipments.filter(order_number=str(order_number))
    return (
        shipments.select_related("carrier")
        .prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.order_by("id")), _timeline()
        )
        .order_by("shipped_at", "id")
    )


def list_buyer_parcels(user):
    """The buyer's parcels, newest first, with carrier and tracking events."""
    return (
        Shipment.objects.for_buyer(user)
        .select_related("carrier", "shop")
        .prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.order_by("id")), _timeline()
        )
        .order_by("-shipped_at", "-id")
    )


def get_buyer_parcel_or_404(user, pk) -> Shipment:
    """One of the buyer's parcels; anyone else's, or none, is a 404."""
    try:
        return list_buyer_parcels(user).get(pk=int(pk))
    except (Shipment.DoesNotExist, TypeError, ValueError) as error:
        raise Http404 from error


def get_shipment_for_shop_or_404(*, shop, pk) -> Shipment:
    return get_for_shop_or_404(
        Shipment.objects.select_related("carrier").prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.order_by("id")), _timeline()
        ),
        shop=shop,
        pk=pk,
    )


def late_shipments_alerted(order_ids) -> set[int]:
    """Which of these orders have had their late-shipment alert already."""
    return set(
        SlaAlert.objects.filter(
            kind=SlaAlert.Kind.LATE_SHIPMENT, order_id__in=list(order_ids)
        ).values_list("order_id", flat=True)
    )


def list_alerts(shop, *, limit: int = 20):
    return (
        SlaAlert.objects.for_shop(shop).select_related("shipment").order_by("-created_at")[:limit]
    )


# --- Scorecards (aggregated in SQL) ---------------------------------------------------------------
@dataclass(frozen=True)
class CarrierScore:
    carrier_id: int
    code: str
    name_en: str
    name_zh: str
    shipments: int
    delivered: int
    on_time: int
    exceptions: int
    average_transit: timedelta | None
    average_cost: Decimal | None
    costed: int

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").lower().startswith("zh") else self.name_en

    @property
    def on_time_rate(self) -> Decimal | None:
        return _percent(self.on_time, self.delivered)

    @property
    def exception_rate(self) -> Decimal | None:
        return _percent(self.exceptions, self.shipments)

    @property
    def average_transit_days(self) -> Decimal | None:
        if self.average_transit is None:
            return None
        days = Decimal(self.average_transit.total_seconds()) / Decimal(86400)
        return days.quantize(Decimal("0.1"))


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def carrier_scorecard(*, shop=None, since=None) -> list[CarrierScore]:
    """Each carrier's record from real shipments (of `shop`, or platform-wide), shipped since
    `since`: on-time rate (delivered by the estimated date), average transit time (shipped to
    delivered), exception rate, average cost. One aggregate query."""
    shipments = Shipment.objects.all() if shop is None else Shipment.objects.for_shop(shop)
    if since is not None:
        shipments = shipments.filter(shipped_at__gte=since)
    delivered = Q(state=Shipment.State.DELIVERED)
    rows = (
        shipments.order_by()
        .values("carrier_id", "carrier__code", "carrier__name_en", "carrier__name_zh")
        .annotate(
            total=Count("pk"),
            delivered=Count("pk", filter=delivered),
            on_time=Count(
                "pk", filter=delivered & Q(delivered_at__date__lte=F("estimated_delivery"))
            ),
            exceptions=Count("pk", filter=Q(had_exception=True)),
            transit=Avg(F("delivered_at") - F("shipped_at"), filter=delivered),
            mean_cost=Avg("cost"),
            costed=Count("cost"),
        )
        .order_by("-total", "carrier__code")
    )
    return [
        CarrierScore(
            carrier_id=row["carrier_id"],
            code=row["carrier__code"],
            name_en=row["carrier__name_en"],
            name_zh=row["carrier__name_zh"],
            shipments=row["total"],
            delivered=row["delivered"],
            on_time=row["on_time"],
            exceptions=row["exceptions"],
            average_transit=row["transit"],
            average_cost=quantize(row["mean_cost"]) if row["mean_cost"] is not None else None,
            costed=row["costed"],
        )
        for row in rows
    ]
