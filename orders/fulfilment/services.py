"""Shipping orders: logistics records the parcel, the order moves through its own lifecycle.

    ship_order(order, shop=, actor=, carrier_id=, tracking_number=, quantities={line id: units})
    ship_parcel(shop=, actor=, parcel=ParcelToShip(...))    # by order number (the API)
    ship_orders(shop=, actor=, parcels=[ParcelToShip(...)]) # all or none
    bulk_ship(shop=, actor=, data=b"...csv...")             # the bulk-shipping file, all or none
    deliver_by_carrier(order_id=, all_parcels_delivered=)   # logistics.events.parcel_delivered
    alert_late_shipments()                                  # beat: paid orders not shipped in time
    check_delivery_slas()                                   # beat: late orders, stalled parcels

Orders sits above logistics (DESIGN §2): it calls `logistics.services.create_shipment` and then
`lifecycle.record_shipment`, in one transaction, so a refused parcel (bad carrier, reused
tracking number) leaves the order untouched and a refused order (unpaid, cancelled, too many
units) leaves no parcel behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from logistics import selectors as logistics_selectors
from logistics import services as logistics_services
from logistics.errors import LogisticsError, RowErrors
from logistics.services import ParcelLine
from marketplace.core.errors import ConflictError, DomainError
from marketplace.core.notifications import notify
from orders.errors import ErrorCode, OrdersConflict, OrdersError
from orders.fulfilment import bulk, selectors
from orders.fulfilment.printing import when
from orders.models import Order, OrderLine
from orders.services import lifecycle

State = Order.State


@dataclass(frozen=True)
class ParcelToShip:
    """One parcel of an order: `quantities` {order line id: units}, None for everything left."""

    order_number: str
    carrier_id: int
    tracking_number: str
    quantities: dict[int, int] | None = None
    cost: Decimal | None = None


def _quantities(lines: list[OrderLine], quantities: dict | None) -> dict[int, int]:
    """{line id: units} checked against what is left to ship (None: everything left)."""
    if quantities is None:
        wanted = {line.pk: line.quantity_to_ship for line in lines if line.quantity_to_ship}
    else:
        by_id = {line.pk: line for line in lines}
        wanted = {}
        for line_id, units in quantities.items():
            try:
                line = by_id.get(int(line_id))
                units = int(units)
            except (TypeError, ValueError):
                line, units = None, -1
            if line is None or units < 0:
                raise OrdersError(_("Unknown order line."), code=ErrorCode.INVALID, field="lines")
            if units > line.quantity_to_ship:
                raise OrdersError(
                    _("Only %(left)d of %(sku)s are left to ship.")
                    % {"left": line.quantity_to_ship, "sku": line.sku_code},
                    code=ErrorCode.INVALID_QUANTITY,
                    field="lines",
                )
            if units:
                wanted[line.pk] = units
    if not wanted:
        raise OrdersError(_("Choose what to ship."), code=ErrorCode.INVALID_QUANTITY, field="lines")
    return wanted


def _province_code(order: Order) -> str:
    if order.province_code:
        return order.province_code
    try:
        return logistics_services.resolve_province(order.province)
    except LogisticsError:
        return ""


def ship_order(
    order: Order,
    *,
    shop,
    actor,
    carrier_id: int,
    tracking_number: str,
    quantities: dict[int, int] | None = None,
    cost: Decimal | None = None,
    request=None,
):
    """Ship a parcel of `order` (all of what is left when `quantities` is None) with one of the
    shop's carriers: returns the logistics `Shipment`. The order becomes partly shipped or
    shipped. Refusals raise a DomainError and write nothing."""
    if order.shop_id != getattr(shop, "pk", None):
        raise OrdersError(_("Order not found."), code=ErrorCode.NOT_FOUND)
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        refusal = selectors.why_cannot_ship(locked)
        if refusal is not None:
            raise OrdersConflict(refusal, code="not_shippable")
        lines = list(OrderLine.objects.filter(order=locked).order_by("pk"))
        wanted = _quantities(lines, quantities)
        by_id = {line.pk: line for line in lines}
        shipment = logistics_services.create_shipment(
            shop=shop,
            actor=actor,
            order_id=locked.pk,
            order_number=locked.number,
            buyer_id=locked.buyer_id,
            carrier_id=carrier_id,
            tracking_number=tracking_number,
            lines=[
                ParcelLine(
                    order_line_id=line_id,
                    sku_code=by_id[line_id].sku_code,
                    title=by_id[line_id].title,
                    options=by_id[line_id].options,
                    quantity=units,
                )
                for line_id, units in wanted.items()
            ],
            destination=_province_code(locked),
            ship_by=selectors.ship_by(locked),
            cost=cost,
            currency=locked.currency,
            request=request,
        )
        lifecycle.record_shipment(
            order,
            shop=shop,
            actor=actor,
            quantities=wanted,
            carrier_name=shipment.carrier.name,
        )
    return shipment


def _ship(order: Order, shop, actor, parcel: ParcelToShip, request):
    return ship_order(
        order,
        shop=shop,
        actor=actor,
        carrier_id=parcel.carrier_id,
        tracking_number=parcel.tracking_number,
        quantities=parcel.quantities,
        cost=parcel.cost,
        request=request,
    )


def ship_parcel(*, shop, actor, parcel: ParcelToShip, request=None):
    """Ship one parcel of the shop's order named by its number (another shop's is not found)."""
    order = Order.objects.for_shop(shop).filter(number=str(parcel.order_number)[:20]).first()
    if order is None:
        raise OrdersError(_("Order not found."), code=ErrorCode.NOT_FOUND, field="order_number")
    return _ship(order, shop, actor, parcel, request)


def ship_orders(*, shop, actor, parcels: Sequence[ParcelToShip], request=None) -> list:
    """Ship every parcel, or none: `RowErrors` names each refused parcel by its index."""
    numbers = {parcel.order_number for parcel in parcels}
    errors: list[tuple[int, str, str]] = []
    shipments = []
    with transaction.atomic():
        orders = {
            order.number: order
            for order in Order.objects.for_shop(shop).filter(number__in=numbers).order_by("pk")
        }
        for index, parcel in enumerate(parcels):
            order = orders.get(parcel.order_number)
            if order is None:
                errors.append((index, "order_number", str(_("Order not found."))))
                continue
            try:
                with transaction.atomic():
                    shipments.append(_ship(order, shop, actor, parcel, request))
            except DomainError as error:
                errors.append((index, error.field or "order_number", str(error.message)))
        if errors:
            raise RowErrors(errors)  # rolls back every parcel shipped above
    return shipments


@dataclass
class BulkShipResult:
    shipments: list
    rows: int


def bulk_ship(*, shop, actor, data: bytes, request=None) -> BulkShipResult:
    """Ship the parcels of a bulk-shipping CSV file (`logistics.services.read_parcel_csv`): all of
    them, or none (`RowErrors` lists every problem with its row number, field and message)."""
    rows = logistics_services.read_parcel_csv(data)
    parcels, errors = bulk.plan(shop, rows)
    if errors:
        raise RowErrors(errors)
    plan = [
        ParcelToShip(
            order_number=parcel.order.number,
            carrier_id=parcel.carrier_id,
            tracking_number=parcel.tracking_number,
            quantities=parcel.quantities,
        )
        for parcel in parcels
    ]
    try:
        shipments = ship_orders(shop=shop, actor=actor, parcels=plan, request=request)
    except RowErrors as refused:  # refused while shipping (e.g. changed meanwhile): by parcel
        raise RowErrors(
            [(parcels[index].rows[0], name, message) for index, name, message in refused.rows]
        ) from refused
    return BulkShipResult(shipments=shipments, rows=len(rows))


def deliver_by_carrier(*, order_id: int, all_parcels_delivered: bool) -> Order | None:
    """The carrier delivered a parcel: once every parcel of a fully shipped order is delivered,
    the order is delivered (its return window starts). Anything else changes nothing."""
    if not all_parcels_delivered:
        return None
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.state != State.SHIPPED:
        return None  # partly shipped (more to come), or confirmed by the buyer already
    try:
        return lifecycle.mark_delivered(
            order, reason=_("Delivered: the carrier confirmed the delivery.")
        )
    except ConflictError:
        return None


# --- Late shipments (SPEC §4.5) -------------------------------------------------------------------
def alert_late_shipments(*, now: datetime | None = None, limit: int = 500) -> int:
    """Alert the shops of paid orders with nothing shipped past their `ship_by`, and tell their
    buyers, once per order (logistics keeps the alert: `SlaAlert`). Returns how many orders were
    alerted (now)."""
    now = now or timezone.now()
    late = selectors.list_late_unshipped_orders(now=now, limit=limit)
    if not late:
        return 0
    known = logistics_selectors.late_shipments_alerted(order.pk for order in late)
    alerted = 0
    for order in late:
        due = selectors.ship_by(order)
        if order.pk in known or due is None:
            continue
        with transaction.atomic():
            alert = logistics_services.record_late_shipment(
                shop_id=order.shop_id, order_id=order.pk, order_number=order.number, since=due
            )
            if alert is None:  # another run alerted it meanwhile
                continue
            _tell_late(order, due)
        alerted += 1
    return alerted


def _tell_late(order: Order, due: datetime) -> None:
    hours = selectors.ship_within_hours()
    logistics_services.tell_shop(
        order.shop_id,
        title=lambda: (
            _("Order %(number)s is late: ship it now (promised within %(hours)d hours).")
            % {"number": order.number, "hours": hours}
        ),
        body=lambda: (
            _(
                "It should have shipped by %(time)s. The buyer has been told. Late shipments "
                "count against your shop's late-shipment rate."
            )
            % {"time": when(due)}
        ),
        link=reverse("seller:orders-ship-order", args=[order.number]),
    )
    buyer = get_user_model().objects.filter(pk=order.buyer_id).first()
    if buyer is not None:
        notify(
            buyer,
            title=lambda: _("Your order %(number)s has not shipped yet") % {"number": order.number},
            body=lambda: (
                _(
                    "The shop promised to ship it by %(time)s. We have reminded the shop. You can "
                    "still cancel the order from its page while nothing has shipped."
                )
                % {"time": when(due)}
            ),
            link=order.get_absolute_url(),
        )


def check_delivery_slas(*, now: datetime | None = None) -> dict[str, int]:
    """Beat: orders not shipped in time (here) and parcels that stopped moving (logistics).
    Returns how many alerts each raised."""
    now = now or timezone.now()
    return {
        "late_shipments": alert_late_shipments(now=now),
        "stalled_parcels": logistics_services.alert_stalled_parcels(now=now),
    }
