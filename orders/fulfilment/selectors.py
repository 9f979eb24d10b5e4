"""Reads of fulfilment: which orders ship, by when, why one cannot, what to pick, how late a
shop ships. The rules of shipping an order live here once:

    SHIPPABLE                        # the states in which goods may leave the shop
    ship_by(order)                   # paid_at + logistics' ship_within(), None before payment
    deadline(order, now=)            # ship by, late?, the delivery date a buyer can expect
    why_cannot_ship(order)           # None, or the message saying why (not paid, cancelled, ...)

Every page, template tag, alert and aggregate asks these; none computes its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from logistics import services as logistics_services
from orders.models import Order, OrderLine

State = Order.State
SHIPPABLE = (State.PAID, State.ACCEPTED, State.PARTLY_SHIPPED)
SHIPPED = (State.PARTLY_SHIPPED, State.SHIPPED, State.DELIVERED, State.COMPLETED)


# --- When an order must ship ----------------------------------------------------------------------
def ship_by(order) -> datetime | None:
    """When the shop promised to have shipped `order`: its payment plus logistics' promise
    (`LOGISTICS_SHIP_WITHIN_HOURS`). None before payment."""
    if order.paid_at is None:
        return None
    return order.paid_at + logistics_services.ship_within()


def ship_within_hours() -> int:
    return int(logistics_services.ship_within().total_seconds() // 3600)


@dataclass(frozen=True)
class Deadline:
    ship_by: datetime | None
    late: bool
    estimate: date | None  # the delivery date a buyer can expect if it ships now


def deadline(order, *, now: datetime | None = None) -> Deadline:
    """The shipping deadline of an order that has not shipped everything."""
    promised = ship_by(order)
    if promised is None:
        return Deadline(None, False, None)
    now = now or timezone.now()
    estimate = logistics_services.estimate_for_unshipped(promised, order.province_code, now=now)
    return Deadline(promised, now > promised, estimate)


def awaiting_shipment(order) -> bool:
    """Paid, and goods are still to leave the shop."""
    return order.state in SHIPPABLE


def why_cannot_ship(order) -> str | None:
    """None when goods of `order` may ship now; else the reason, for the seller."""
    if order.state in SHIPPABLE:
        return None
    if order.state == State.PENDING_PAYMENT:
        message = _("Order %(number)s is not paid yet, so it cannot ship.")
    elif order.state == State.CANCELLED:
        message = _("Order %(number)s is cancelled, so it cannot ship.")
    else:
        message = _("Everything in order %(number)s has shipped already.")
    return message % {"number": order.number}


# --- Orders to ship -------------------------------------------------------------------------------
def _with_lines(queryset: QuerySet[Order]) -> QuerySet[Order]:
    return queryset.prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id")))


def list_orders_to_ship(shop) -> QuerySet[Order]:
    """The shop's orders with goods left to ship, the oldest payment first, with their lines
    (two queries per page)."""
    return _with_lines(Order.objects.for_shop(shop).filter(state__in=SHIPPABLE)).order_by(
        "paid_at", "pk"
    )


def get_order_for_shipping_or_404(shop, number) -> Order:
    """One of the shop's orders with its lines; another shop's, a missing one, is a 404."""
    return get_object_or_404(_with_lines(Order.objects.for_shop(shop)), number=str(number)[:20])


def list_orders_by_number(shop, numbers: Sequence[str]) -> list[Order]:
    """The shop's orders among `numbers` (others are left out), by number, with their lines."""
    wanted = [str(number).strip()[:20] for number in numbers if str(number).strip()]
    if not wanted:
        return []
    return list(
        _with_lines(Order.objects.for_shop(shop).filter(number__in=wanted)).order_by("number")
    )


def list_shipped_orders(shop, *, limit: int = 50) -> list[Order]:
    """The shop's latest orders that have shipped goods (partly or all), with their lines."""
    orders = Order.objects.for_shop(shop).filter(state__in=SHIPPED).order_by("-created_at", "-pk")
    return list(_with_lines(orders)[:limit])


def list_late_unshipped_orders(*, now: datetime, limit: int) -> list[Order]:
    """Orders of every shop with nothing shipped yet whose `ship_by` has passed, oldest first."""
    paid_before = now - logistics_services.ship_within()  # ship_by(order) < now, in SQL
    return list(
        Order.objects.filter(
            state__in=(State.PAID, State.ACCEPTED), paid_at__lt=paid_before
        ).order_by("paid_at", "pk")[:limit]
    )


# --- Pick list ------------------------------------------------------------------------------------
@dataclass
class PickRow:
    sku_code: str
    title: str
    options: str
    quantity: int = 0
    orders: list[str] = field(default_factory=list)


def pick_list(orders: Sequence[Order]) -> list[PickRow]:
    """What to take from the shelves for `orders` (lines prefetched): units left to ship, summed
    per SKU."""
    rows: dict[str, PickRow] = {}
    for order in orders:
        for line in order.lines.all():
            if line.quantity_to_ship <= 0:
                continue
            row = rows.get(line.sku_code)
            if row is None:
                row = rows[line.sku_code] = PickRow(line.sku_code, line.title, line.options)
            row.quantity += line.quantity_to_ship
            if order.number not in row.orders:
                row.orders.append(order.number)
    return sorted(rows.values(), key=lambda row: row.sku_code)


# --- Late-shipment rate (aggregated in SQL) -------------------------------------------------------
@dataclass(frozen=True)
class LateRate:
    """A shop's shipping promise over a period: orders paid, and how many shipped late (or are
    still unshipped past the promise)."""

    shop_id: int
    orders: int
    late: int

    @property
    def rate(self) -> Decimal | None:
        if not self.orders:
            return None
        return (Decimal(self.late) * 100 / Decimal(self.orders)).quantize(Decimal("0.1"))


def late_shipment_rates(*, since: datetime, shop_id: int | None = None) -> dict[int, LateRate]:
    """Per shop: orders paid since `since` (cancelled unshipped ones left out) and how many
    shipped after their `ship_by` or are still unshipped past it. One aggregate query."""
    within = logistics_services.ship_within()
    now = timezone.now()
    due = F("paid_at") + within  # ship_by(), in SQL
    orders = Order.objects.filter(paid_at__gte=since).exclude(
        state=State.CANCELLED, shipped_at__isnull=True
    )
    if shop_id is not None:
        orders = orders.filter(shop_id=shop_id)
    rows = (
        orders.order_by()
        .values("shop_id")
        .annotate(
            total=Count("pk"),
            late=Count(
                "pk",
                filter=Q(shipped_at__gt=due) | Q(shipped_at__isnull=True, paid_at__lt=now - within),
            ),
        )
    )
    return {
        row["shop_id"]: LateRate(shop_id=row["shop_id"], orders=row["total"], late=row["late"])
        for row in rows
    }
