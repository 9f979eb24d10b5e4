"""Shipping orders: logistics records the parcel, the order moves through its own lifecycle.

    ship_order(order, shop=, actor=, carrier_id=, tracking_number=, quantities={line id: units})
    ship_orders(shop=, actor=, parcels=[Parcel(...)])       # all or none (bulk CSV)
    deliver_by_carrier(order_id=, all_parcels_delivered=)   # logistics.events.parcel_delivered

Orders sits above logistics (DESIGN §2): it calls `logistics.services.create_shipment` and then
`lifecycle.record_shipment`, in one transaction, so a refused parcel (bad carrier, reused
tracking number) leaves the order untouched and a refused order (unpaid, cancelled, too many
units) leaves no parcel behind. `OrdersForLogistics` is what logistics' fulfilment pages and SLA
checks read and ship through (`logistics.order_source`); `orders/receivers_logistics.py`
registers it when the app starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from logistics import services as logistics_services
from logistics.errors import LogisticsError, RowErrors
from logistics.order_source import LateRate, OrderInfo, OrderLineInfo, Parcel
from logistics.services.shipments import ParcelLine, ship_within
from marketplace.core.errors import ConflictError, DomainError
from orders.errors import ErrorCode, OrdersConflict, OrdersError
from orders.models import Order, OrderLine
from orders.services import lifecycle

State = Order.State
SHIPPABLE = (State.PAID, State.ACCEPTED, State.PARTLY_SHIPPED)


def _refuse_state(order: Order) -> None:
    if order.state in SHIPPABLE:
        return
    if order.state == State.PENDING_PAYMENT:
        message = _("Order %(number)s is not paid yet, so it cannot ship.")
    elif order.state == State.CANCELLED:
        message = _("Order %(number)s is cancelled, so it cannot ship.")
    else:
        message = _("Everything in order %(number)s has shipped already.")
    raise OrdersConflict(message % {"number": order.number}, code="not_shippable")


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
        _refuse_state(locked)
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
            ship_by=locked.paid_at + ship_within() if locked.paid_at else None,
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


def ship_orders(*, shop, actor, parcels: Sequence[Parcel], request=None) -> list:
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
                    shipments.append(_ship_parcel(order, shop, actor, parcel, request))
            except DomainError as error:
                errors.append((index, error.field or "order_number", str(error.message)))
        if errors:
            raise RowErrors(errors)  # rolls back every parcel shipped above
    return shipments


def _ship_parcel(order, shop, actor, parcel: Parcel, request):
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


# --- What logistics reads and ships through (logistics.order_source) ---------------------------
def _info(order: Order, *, with_lines: bool = True) -> OrderInfo:
    lines = ()
    if with_lines:
        lines = tuple(
            OrderLineInfo(
                id=line.pk,
                sku_code=line.sku_code,
                title=line.title,
                options=line.options,
                quantity=line.quantity,
                quantity_shipped=line.quantity_shipped,
                weight_kg=line.weight_kg,
            )
            for line in order.lines.all()
        )
    return OrderInfo(
        id=order.pk,
        number=order.number,
        shop_id=order.shop_id,
        buyer_id=order.buyer_id,
        state=order.state,
        state_label=str(order.get_state_display()),
        shippable=order.state in SHIPPABLE,
        recipient=order.recipient,
        phone=order.phone,
        address_line=order.address_line(),
        postcode=order.postcode,
        province=order.province,
        province_code=order.province_code,
        note=order.note,
        carrier_code=order.carrier_code,
        carrier_name=order.carrier_name,
        insured=order.insured,
        currency=order.currency,
        shipping_fee=order.shipping,
        created_at=order.created_at,
        paid_at=order.paid_at,
        shipped_at=order.shipped_at,
        delivered_at=order.delivered_at,
        buyer_url=order.get_absolute_url(),
        seller_url=reverse("seller:order-detail", args=[order.number]),
        lines=lines,
    )


def _with_lines(queryset):
    return queryset.prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id")))


class _PagedOrders:
    """A queryset of orders that Django's Paginator can page, yielding `OrderInfo`s (two
    queries per page: the orders, their lines)."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_info(order) for order in _with_lines(self.queryset[index])]
        return _info(_with_lines(self.queryset)[index])


class OrdersForLogistics:
    """The orders chapter's implementation of `logistics.order_source.OrderSource`."""

    def get_order(self, *, shop, number: str) -> OrderInfo | None:
        if shop is None:
            return None
        order = _with_lines(Order.objects.for_shop(shop).filter(number=str(number)[:20])).first()
        return _info(order) if order is not None else None

    def list_orders(self, *, shop, numbers: Sequence[str]) -> list[OrderInfo]:
        wanted = [str(number)[:20] for number in numbers if str(number).strip()]
        if shop is None or not wanted:
            return []
        orders = _with_lines(Order.objects.for_shop(shop).filter(number__in=wanted))
        return [_info(order) for order in orders.order_by("number")]

    def find_orders(self, *, shop, states: Sequence[str], limit: int = 50) -> list[OrderInfo]:
        if shop is None:
            return []
        orders = Order.objects.for_shop(shop).filter(state__in=list(states))
        return [
            _info(order) for order in _with_lines(orders.order_by("-created_at", "-pk")[:limit])
        ]

    def orders_to_ship(self, *, shop) -> _PagedOrders:
        return _PagedOrders(
            Order.objects.for_shop(shop).filter(state__in=SHIPPABLE).order_by("paid_at", "pk")
        )

    def ship(self, *, shop, actor, parcel: Parcel, request=None):
        order = Order.objects.for_shop(shop).filter(number=str(parcel.order_number)[:20]).first()
        if order is None:
            raise OrdersError(_("Order not found."), code=ErrorCode.NOT_FOUND, field="order_number")
        return _ship_parcel(order, shop, actor, parcel, request)

    def ship_many(self, *, shop, actor, parcels: Sequence[Parcel], request=None) -> list:
        return ship_orders(shop=shop, actor=actor, parcels=parcels, request=request)

    def unshipped_orders(self, *, paid_before: datetime, limit: int) -> list[OrderInfo]:
        orders = Order.objects.filter(
            state__in=(State.PAID, State.ACCEPTED), paid_at__lt=paid_before
        ).order_by("paid_at", "pk")[:limit]
        return [_info(order, with_lines=False) for order in orders]

    def late_shipment_rates(
        self, *, since: datetime, ship_within: timedelta, shop_id: int | None = None
    ) -> dict[int, LateRate]:
        now = timezone.now()
        due = F("paid_at") + ship_within
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
                    filter=Q(shipped_at__gt=due)
                    | Q(shipped_at__isnull=True, paid_at__lt=now - ship_within),
                ),
            )
        )
        return {
            row["shop_id"]: LateRate(shop_id=row["shop_id"], orders=row["total"], late=row["late"])
            for row in rows
        }
