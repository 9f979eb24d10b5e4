"""Fulfilment helpers on logistics' side: the pick list, and bulk shipping from a CSV file.

    pick_list(orders)                              # [PickRow]: SKUs to pick, summed over orders
    bulk_ship(shop=, actor=, data=b"...csv...")    # every row ships, or none does (RowErrors)

Orders come from `logistics.order_source` (the orders chapter's implementation), and shipping
goes through it too, so each order's state moves through orders' own services.

The CSV file (UTF-8, UTF-8 with BOM, or GBK as Excel saves it), one row per parcel, or per SKU
of a parcel when only some goods ship:

    order_number,carrier,tracking_number,sku_code,quantity
    202611010001,sf-express,SF1234567890,,                      # everything left to ship
    202611010002,顺丰速运,SF1234567891,TEA-001,2                 # 2 units of TEA-001 only

`carrier` is one of the shop's carriers, by code or by name in either language; Chinese column
names (订单号, 快递公司, 运单号, SKU编码, 数量) work too. Unknown order numbers, another shop's
orders, orders that cannot ship, unknown carriers, bad or reused tracking numbers and too many
units are reported per row, and nothing at all is shipped until every row is right.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from catalog.services.bulk import decode_csv
from logistics import order_source
from logistics.errors import ErrorCode, LogisticsError, RowErrors
from logistics.models import Shipment, ShopCarrier
from logistics.order_source import OrderInfo, Parcel
from logistics.services.shipments import check_tracking_number
from marketplace.core.errors import DomainError

MAX_ROWS = 1000
COLUMNS = {
    "order_number": ("order_number", "order", "order number", "订单号", "订单编号"),
    "carrier": ("carrier", "carrier_code", "快递公司", "物流公司", "承运商"),
    "tracking_number": ("tracking_number", "tracking", "tracking number", "运单号", "快递单号"),
    "sku_code": ("sku_code", "sku", "sku code", "sku编码", "商家编码"),
    "quantity": ("quantity", "qty", "数量"),
}
REQUIRED = ("order_number", "carrier", "tracking_number")
EXAMPLE_CSV = (
    "order_number,carrier,tracking_number,sku_code,quantity\r\n"
    "202611010001,sf-express,SF1234567890,,\r\n"
    "202611010002,zto,ZT7730012345,TEA-001,2\r\n"
)


# --- Pick list ------------------------------------------------------------------------------------
@dataclass
class PickRow:
    sku_code: str
    title: str
    options: str
    quantity: int = 0
    orders: list[str] = field(default_factory=list)


def pick_list(orders: Sequence[OrderInfo]) -> list[PickRow]:
    """What to take from the shelves for `orders`: units left to ship, summed per SKU."""
    rows: dict[str, PickRow] = {}
    for order in orders:
        for line in order.lines:
            if line.quantity_to_ship <= 0:
                continue
            row = rows.get(line.sku_code)
            if row is None:
                row = rows[line.sku_code] = PickRow(line.sku_code, line.title, line.options)
            row.quantity += line.quantity_to_ship
            if order.number not in row.orders:
                row.orders.append(order.number)
    return sorted(rows.values(), key=lambda row: row.sku_code)


# --- Bulk shipping from CSV -----------------------------------------------------------------------
@dataclass
class CsvRow:
    number: int  # the row's line in the file (the header is line 1)
    order_number: str
    carrier: str
    tracking_number: str
    sku_code: str = ""
    quantity: str = ""


@dataclass
class BulkShipResult:
    shipments: list
    rows: int


def read_csv(data: bytes) -> list[CsvRow]:
    """The file's rows (blank ones skipped); a missing column or an empty file raises."""
    try:
        text = decode_csv(data)  # the catalog's: UTF-8 (BOM or not), UTF-16, GBK/GB18030
    except DomainError as error:
        raise LogisticsError(error.message, code=ErrorCode.BAD_FILE, field="file") from error
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise LogisticsError(
            _("The file is empty."), code=ErrorCode.BAD_FILE, field="file"
        ) from error
    names = {alias.lower(): key for key, aliases in COLUMNS.items() for alias in aliases}
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        key = names.get(title.strip().lower())
        if key and key not in positions:
            positions[key] = index
    missing = [key for key in REQUIRED if key not in positions]
    if missing:
        raise LogisticsError(
            _("The file needs the columns %(columns)s (see the example file).")
            % {"columns": ", ".join(REQUIRED)},
            code=ErrorCode.BAD_FILE,
            field="file",
        )
    rows = []
    try:
        for line_number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise LogisticsError(
                    _("Ship at most %(max)d rows per file.") % {"max": MAX_ROWS},
                    code=ErrorCode.BAD_FILE,
                    field="file",
                )

            def cell(key, cells=cells):
                index = positions.get(key)
                return cells[index].strip() if index is not None and index < len(cells) else ""

            rows.append(
                CsvRow(
                    number=line_number,
                    order_number=cell("order_number"),
                    carrier=cell("carrier"),
                    tracking_number=cell("tracking_number"),
                    sku_code=cell("sku_code"),
                    quantity=cell("quantity"),
                )
            )
    except csv.Error as error:
        raise LogisticsError(
            _("The file could not be read as CSV."), code=ErrorCode.BAD_FILE, field="file"
        ) from error
    if not rows:
        raise LogisticsError(
            _("The file has no rows to ship."), code=ErrorCode.BAD_FILE, field="file"
        )
    return rows


def _carriers_by_name(shop) -> dict[str, int]:
    found: dict[str, int] = {}
    links = ShopCarrier.objects.for_shop(shop).filter(carrier__is_active=True)
    for link in links.select_related("carrier"):
        carrier = link.carrier
        for name in (carrier.code, carrier.name_en, carrier.name_zh):
            found.setdefault(name.strip().lower(), carrier.pk)
    return found


@dataclass
class _Parcel:
    order: OrderInfo
    carrier_id: int
    tracking_number: str
    rows: list[int] = field(default_factory=list)
    quantities: dict[int, int] | None = None  # None: everything left
    invalid: bool = False  # a row of it is wrong: its totals are not checked


def _plan(shop, rows: list[CsvRow]) -> tuple[list[_Parcel], list[tuple[int, str, str]]]:
    """Check every row against the shop's orders and carriers; the parcels to ship, or errors."""
    source = order_source.get()
    errors: list[tuple[int, str, str]] = []
    orders = {
        order.number: order
        for order in source.list_orders(
            shop=shop, numbers=sorted({row.order_number for row in rows if row.order_number})
        )
    }
    carriers = _carriers_by_name(shop)
    parcels: dict[tuple[str, int, str], _Parcel] = {}
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
        if not order.shippable:
            errors.append(
                (
                    row.number,
                    "order_number",
                    _("Order %(number)s cannot ship now (%(state)s).")
                    % {"number": order.number, "state": order.state_label},
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
            number = check_tracking_number(row.tracking_number)
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
            parcel = parcels[(order.number, carrier_id, number)] = _Parcel(
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


def _add_goods(parcel: _Parcel, row: CsvRow) -> tuple[str, str] | None:
    if not row.sku_code and not row.quantity:
        if parcel.quantities:
            return "sku_code", _("List every SKU of this parcel, or none.")
        parcel.quantities = None
        return None
    if len(parcel.rows) > 1 and parcel.quantities is None:
        return "sku_code", _("List every SKU of this parcel, or none.")
    line = next((item for item in parcel.order.lines if item.sku_code == row.sku_code), None)
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


def _check_totals(parcels: list[_Parcel]) -> list[tuple[int, str, str]]:
    """No order may ship more units of a line than are left, over all its parcels in the file."""
    errors = []
    wanted: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    whole: dict[str, int] = defaultdict(int)
    for parcel in parcels:
        if parcel.quantities is None:
            whole[parcel.order.number] += 1
            for line in parcel.order.lines:
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
        for line in order.lines:
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


def _check_taken(parcels: list[_Parcel], shop) -> list[tuple[int, str, str]]:
    if not parcels:
        return []
    taken = {
        (carrier_id, number): (shop_id, order_number)
        for carrier_id, number, shop_id, order_number in Shipment.objects.filter(
            carrier_id__in={parcel.carrier_id for parcel in parcels},
            tracking_number__in={parcel.tracking_number for parcel in parcels},
        ).values_list("carrier_id", "tracking_number", "shop_id", "order_number")
    }
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


def bulk_ship(*, shop, actor, data: bytes, request=None) -> BulkShipResult:
    """Ship the parcels of a CSV file: all of them, or none (`RowErrors` lists every problem
    with its row number, field and message)."""
    rows = read_csv(data)
    parcels, errors = _plan(shop, rows)
    if errors:
        raise RowErrors(errors)
    plan = [
        Parcel(
            order_number=parcel.order.number,
            carrier_id=parcel.carrier_id,
            tracking_number=parcel.tracking_number,
            quantities=parcel.quantities,
        )
        for parcel in parcels
    ]
    try:
        shipments = order_source.get().ship_many(
            shop=shop, actor=actor, parcels=plan, request=request
        )
    except RowErrors as refused:  # refused while shipping (e.g. changed meanwhile): by parcel
        raise RowErrors(
            [(parcels[index].rows[0], name, message) for index, name, message in refused.rows]
        ) from refused
    return BulkShipResult(shipments=shipments, rows=len(rows))
