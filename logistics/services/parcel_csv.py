"""The bulk-shipping file: one row per parcel (or per SKU of a parcel), read into plain rows.

    read_parcel_csv(b"...csv...")   # [ParcelRow], or a LogisticsError naming the field "file"

The CSV file (UTF-8, UTF-8 with BOM, or GBK as Excel saves it), one row per parcel, or per SKU
of a parcel when only some goods ship:

    order_number,carrier,tracking_number,sku_code,quantity
    202611010001,sf-express,SF1234567890,,                      # everything left to ship
    202611010002,顺丰速运,SF1234567891,TEA-001,2                 # 2 units of TEA-001 only

`carrier` is one of the shop's carriers, by code or by name in either language; Chinese column
names (订单号, 快递公司, 运单号, SKU编码, 数量) work too. Reading checks only the file itself;
the orders chapter checks each row against the shop's orders and carriers and ships the parcels
(`orders.fulfilment.services.bulk_ship`), all of them or none (`RowErrors`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from catalog.services.bulk import decode_csv
from logistics.errors import ErrorCode, LogisticsError
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
EXAMPLE_ROWS = [
    ["order_number", "carrier", "tracking_number", "sku_code", "quantity"],
    ["202611010001", "sf-express", "SF1234567890", "", ""],
    ["202611010002", "zto", "ZT7730012345", "TEA-001", 2],
]


@dataclass
class ParcelRow:
    number: int  # the row's line in the file (the header is line 1)
    order_number: str
    carrier: str
    tracking_number: str
    sku_code: str = ""
    quantity: str = ""


def read_parcel_csv(data: bytes) -> list[ParcelRow]:
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
                ParcelRow(
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
