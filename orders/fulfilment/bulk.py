"""Bulk shipping: the rows of a bulk-shipping file (`logistics.services.read_parcel_csv`) checked
against the shop's orders and carriers before anything ships.

    parcels, errors = plan(shop, rows)   # [PlannedParcel], [(row number, field, message)]

Unknown order numbers, another shop's orders, orders that cannot ship, unknown carriers, bad or
reused tracking numbers and too many units are reported per row; `services.bulk_ship` ships the
parcels only when there is no error (all of them or none).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from logistics import selectors as logistics_selectors
from logistics import services as logistics_services
from logistics.errors import LogisticsError
from logistics.services import ParcelRow
from orders.fulfilment import selectors
from orders.models import Order


@dataclass
class PlannedParcel:
    order: Order
    carrier_id: int
    tracking_number: str
    rows: list[int] = field(default_factory=list)
    quantities: dict[int, int] | None = None  # None: everything left
    invalid: bool = False  # a row of it is wrong: its totals are not checked


def plan(shop, rows: list[ParcelRow]) -> tuple[list[PlannedParcel], list[tuple[int, str, str]]]:
    """Check every row against the shop's orders and carriers; the parcels to ship, or errors."""
    errors: list[tuple[int, str, str]] = []
    orders = {
        order.number: order
        for order in selectors.list_orders_by_number(
            shop, sorted({row.order_number for row in rows if row.order_number})
        )
    }
    carriers = logistics_selectors.shop_carrier_ids_by_name(shop)
    parcels: dict[tuple[str, int, str], PlannedParcel] = {}
    order_of_number: dict[tuple[int, str], str] = {}
    for row in rows:
        if not row.order_number:
            errors.append((row.number, "order_number", _("The order number is missing.")))
            continue
        order = orders.get(row.order_number)
        if order is None:
            errors.append(
                (
                    row.number,
                    "order_number",
                    _("Order %(number)s is not one of your shop's orders.")
                    % {"number": row.order_number},
                )
            )
            continue
        if selectors.why_cannot_ship(order) is not None:
            errors.append(
                (
                    row.number,
                    "order_number",
                    _("Order %(number)s cannot ship now (%(state)s).")
                    % {"number": order.number, "state": order.get_state_display()},
                )
            )
            continue
        carrier_id = carriers.get(row.carrier.lower()) if row.carrier else None
        if carrier_id is None:
            errors.append(
                (
                    row.number,
                    "carrier",
                    _("%(carrier)s is not one of your carriers.") % {"carrier": row.carrier or "—"},
                )
            )
            continue
        try:
            number = logistics_services.check_tracking_number(row.tracking_number)
        except LogisticsError as error:
            errors.append((row.number, "tracking_number", str(error.message)))
            continue
        owner = order_of_number.setdefault((carrier_id, number), order.number)
        if owner != order.number:
            errors.append(
                (
                    row.number,
                    "tracking_number",
                    _("Tracking number %(number)s is also given for order %(order)s.")
                    % {"number": number, "order": owner},
                )
            )
            continue
        parcel = parcels.get((order.number, carrier_id, number))
        if parcel is None:
            parcel = parcels[(order.number, carrier_id, number)] = PlannedParcel(
                order, carrier_id, number
            )
        parcel.rows.append(row.number)
        problem = _add_goods(parcel, row)
        if problem:
            parcel.invalid = True
            errors.append((row.number, *problem))
    valid = [parcel for parcel in parcels.values() if not parcel.invalid]
    errors.extend(_check_totals(valid))
    errors.extend(_check_taken(valid, shop))
    return list(parcels.values()), sorted(errors)


def _add_goods(parcel: PlannedParcel, row: ParcelRow) -> tuple[str, str] | None:
    if not row.sku_code and not row.quantity:
        if parcel.quantities:
            return "sku_code", _("List every SKU of this parcel, or none.")
        parcel.quantities = None
        return None
    if len(parcel.rows) > 1 and parcel.quantities is None:
        return "sku_code", _("List every SKU of this parcel, or none.")
    line = next((item for item in parcel.order.lines.all() if item.sku_code == row.sku_code), None)
    if line is None:
        return "sku_code", _("Order %(number)s has no SKU %(sku)s.") % {
            "number": parcel.order.number,
            "sku": row.sku_code or "—",
        }
    try:
        units = int(row.quantity)
    except ValueError:
        units = 0
    if units < 1:
        return "quantity", _("The quantity must be a whole number of at least 1.")
    parcel.quantities = parcel.quantities or {}
    parcel.quantities[line.id] = parcel.quantities.get(line.id, 0) + units
    return None


def _check_totals(parcels: list[PlannedParcel]) -> list[tuple[int, str, str]]:
    """No order may ship more units of a line than are left, over all its parcels in the file."""
    errors = []
    wanted: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    whole: dict[str, int] = defaultdict(int)
    for parcel in parcels:
        if parcel.quantities is None:
            whole[parcel.order.number] += 1
            for line in parcel.order.lines.all():
                wanted[parcel.order.number][line.id] += line.quantity_to_ship
        else:
            for line_id, units in parcel.quantities.items():
                wanted[parcel.order.number][line_id] += units
    for parcel in parcels:
        order = parcel.order
        if whole[order.number] and len([p for p in parcels if p.order is order]) > 1:
            errors.append(
                (
                    parcel.rows[0],
                    "order_number",
                    _("Order %(number)s ships everything in one parcel here and more in another.")
                    % {"number": order.number},
                )
            )
            continue
        for line in order.lines.all():
            if wanted[order.number].get(line.id, 0) > line.quantity_to_ship:
                errors.append(
                    (
                        parcel.rows[-1],
                        "quantity",
                        _("Only %(left)d of %(sku)s are left to ship in order %(number)s.")
                        % {
                            "left": line.quantity_to_ship,
                            "sku": line.sku_code,
                            "number": order.number,
                        },
                    )
                )
    # One message per row is enough.
    return list({(row, name): (row, name, message) for row, name, message in errors}.values())


def _check_taken(parcels: list[PlannedParcel], shop) -> list[tuple[int, str, str]]:
    if not parcels:
        return []
    taken = logistics_selectors.tracking_numbers_taken(
        carrier_ids={parcel.carrier_id for parcel in parcels},
        numbers={parcel.tracking_number for parcel in parcels},
    )
    errors = []
    for parcel in parcels:
        owner = taken.get((parcel.carrier_id, parcel.tracking_number))
        if owner is None:
            continue
        if owner[0] == shop.pk:
            message = _("Tracking number %(number)s is already used for order %(order)s.") % {
                "number": parcel.tracking_number,
                "order": owner[1],
            }
        else:
            message = _("Tracking number %(number)s is already used by another shipment.") % {
                "number": parcel.tracking_number
            }
        errors.append((parcel.rows[0], "tracking_number", message))
    return errors
