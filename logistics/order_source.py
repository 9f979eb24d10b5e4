"""The orders logistics ships, read and shipped through an interface the orders app fills.

Logistics sits below orders (DESIGN §2) and never imports it, yet the fulfilment pages (what to
ship, pick lists, packing slips, the ship form, bulk shipping by CSV) and the delivery SLA checks
need orders' data, and shipping must move the order's state through orders' own services. So,
like compliance's registries, logistics declares what it needs here and the orders app registers
the implementation when it starts (`orders/receivers_logistics.py`, from `orders/apps.py`):

    from logistics import order_source
    order_source.register(OrdersForLogistics())        # in orders, at ready()

    source = order_source.get()                         # in logistics views and services
    order = source.get_order(shop=request.shop, number="202611010001")
    shipment = source.ship(shop=..., actor=..., parcel=Parcel(order_number=..., ...))

Everything crosses as the plain values below, never as orders' model instances.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

from django.utils.translation import gettext as _

from logistics.errors import ErrorCode, LogisticsError


@dataclass(frozen=True)
class OrderLineInfo:
    id: int
    sku_code: str
    title: str
    options: str
    quantity: int
    quantity_shipped: int
    weight_kg: Decimal = Decimal("0")

    @property
    def quantity_to_ship(self) -> int:
        return self.quantity - self.quantity_shipped


@dataclass(frozen=True)
class OrderInfo:
    """An order as logistics sees it: who gets what, where, and whether it may ship now."""

    id: int
    number: str
    shop_id: int
    buyer_id: int
    state: str
    state_label: str
    shippable: bool  # paid or accepted, or partly shipped: goods may leave now
    recipient: str
    phone: str
    address_line: str
    postcode: str
    province: str
    province_code: str
    note: str
    carrier_code: str  # the buyer's choice at checkout ("" for none)
    carrier_name: str
    insured: bool
    currency: str
    shipping_fee: Decimal
    created_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    buyer_url: str = ""  # the buyer's order page (a path)
    seller_url: str = ""  # the order in the seller's order desk (a path)
    lines: tuple[OrderLineInfo, ...] = field(default_factory=tuple)

    @property
    def units_to_ship(self) -> int:
        return sum(line.quantity_to_ship for line in self.lines)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True)
class Parcel:
    """One parcel to ship: `quantities` {order line id: units}, None for everything left."""

    order_number: str
    carrier_id: int
    tracking_number: str
    quantities: dict[int, int] | None = None
    cost: Decimal | None = None


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


class PagedOrders(Protocol):
    """What Django's Paginator needs: a count and slices (of `OrderInfo`)."""

    def count(self) -> int: ...

    def __getitem__(self, index: slice) -> list[OrderInfo]: ...


class OrderSource(Protocol):
    def get_order(self, *, shop, number: str) -> OrderInfo | None:
        """The shop's order `number` with its lines; None for another shop's or a missing one."""

    def list_orders(self, *, shop, numbers: Sequence[str]) -> list[OrderInfo]:
        """The shop's orders among `numbers` (others are left out), by number; constant queries."""

    def find_orders(self, *, shop, states: Sequence[str], limit: int = 50) -> list[OrderInfo]:
        """The shop's latest orders in `states`, with their lines; constant queries."""

    def orders_to_ship(self, *, shop) -> PagedOrders:
        """The shop's orders with goods left to ship, oldest payment first; constant queries."""

    def ship(self, *, shop, actor, parcel: Parcel, request=None):
        """Ship one parcel of an order (returns the `Shipment`): logistics records the parcel and
        the order moves to partly shipped or shipped, in one transaction. Raises a DomainError
        (nothing written) for an unpaid or cancelled order, too many units, a bad carrier or
        tracking number."""

    def ship_many(self, *, shop, actor, parcels: Sequence[Parcel], request=None) -> list:
        """Ship every parcel or none: raises `RowErrors` naming each refused parcel (index)."""

    def unshipped_orders(self, *, paid_before: datetime, limit: int) -> list[OrderInfo]:
        """Orders of every shop paid before `paid_before` with nothing shipped yet (no lines)."""

    def late_shipment_rates(
        self, *, since: datetime, ship_within: timedelta, shop_id: int | None = None
    ) -> dict[int, LateRate]:
        """Per shop: orders paid since `since` (cancelled unshipped ones left out) and how many
        shipped later than `ship_within` after payment or are still unshipped past it. One
        aggregate query."""


_source: OrderSource | None = None


def register(source: OrderSource) -> None:
    """Install the implementation (the orders app does, at start-up)."""
    global _source
    _source = source


def unregister() -> None:
    global _source
    _source = None


def is_registered() -> bool:
    return _source is not None


def get() -> OrderSource:
    if _source is None:
        raise LogisticsError(
            _("Orders are not available: shipping needs the orders chapter."),
            code=ErrorCode.ORDERS_UNAVAILABLE,
        )
    return _source
