"""Import and export files: the columns (with the headings Chinese spreadsheets use), reading a
CSV (UTF-8, UTF-16 or GB18030) or XLSX upload into rows, checking its header, and the template.
A cell our own export marked as text (`'=…`, see `marketplace.core.exports`) reads back as it was.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from catalog.errors import CatalogError, ErrorCode
from catalog.models import BulkJob
from marketplace.core import exports

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000

REQUIRED_COLUMNS = ["product_code", "title", "category", "sku_code", "price"]
OPTIONAL_COLUMNS = [
    "stock", "cost_price", "weight", "barcode", "warning_line", "lead_time_days",
    "option1_name", "option1_value", "option2_name", "option2_value",
    "option3_name", "option3_value",
    "description", "search_keywords", "tags", "meta_title", "meta_description", "video_url",
]  # fmt: skip
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
ATTRIBUTE_PREFIX = "attr:"
# Headings Chinese spreadsheets use for the same columns.
ALIASES = {
    "商品编码": "product_code", "标题": "title", "商品标题": "title", "类目": "category",
    "sku编码": "sku_code", "价格": "price", "售价": "price", "库存": "stock",
    "成本价": "cost_price", "重量": "weight", "条码": "barcode", "预警线": "warning_line",
    "到货周期": "lead_time_days", "描述": "description", "关键词": "search_keywords",
    "标签": "tags",
}  # fmt: skip


@dataclass
class ParsedFile:
    header: list[str]
    rows: list[list[str]]


# --- Reading files -------------------------------------------------------------------------------
def decode_csv(data: bytes) -> str:
    """The text of a CSV file: UTF-16 (BOM), UTF-8 (with/without BOM), else GB18030/GBK."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise CatalogError(
        _(
            "The file's text encoding was not recognised (it is not UTF-8 or GBK). Save it from "
            "your spreadsheet as “CSV UTF-8” and upload it again."
        ),
        code=ErrorCode.BAD_ENCODING,
        field="file",
    )


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return exports.read_text(str(value).strip())


def read_table(data: bytes, fmt: str) -> ParsedFile:
    if fmt == BulkJob.Format.XLSX:
        rows = _read_xlsx(data)
    else:
        text = decode_csv(data)
        sample = text[:4096]
        try:
            dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else ",", ",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = [
            [exports.read_text(cell.strip()) for cell in row]
            for row in csv.reader(io.StringIO(text), dialect)
        ]
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        raise CatalogError(_("The file is empty."), code=ErrorCode.BAD_FILE, field="file")
    header, body = rows[0], rows[1:]
    if len(body) > MAX_ROWS:
        raise CatalogError(
            _("At most %(max)d rows per file; this one has %(n)d.")
            % {"max": MAX_ROWS, "n": len(body)},
            code=ErrorCode.BAD_FILE,
            field="file",
        )
    return ParsedFile(header=check_header(header), rows=body)


def _read_xlsx(data: bytes) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook

    if not data.startswith(b"PK\x03\x04"):
        raise CatalogError(
            _("This is not an Excel (.xlsx) workbook."), code=ErrorCode.BAD_FILE, field="file"
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell(value) for value in row])
            if len(rows) > MAX_ROWS + 1:
                break
        workbook.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as error:
        raise CatalogError(
            _("The workbook could not be read; it may be damaged."),
            code=ErrorCode.BAD_FILE,
            field="file",
        ) from error
    return rows


def check_header(header: list[str]) -> list[str]:
    """Canonical column names, or CatalogError naming the unknown, missing or repeated ones."""
    names = []
    for raw in header:
        name = raw.strip().lstrip("\ufeff")
        lowered = name.lower()
        if lowered.startswith(ATTRIBUTE_PREFIX):
            names.append(ATTRIBUTE_PREFIX + name[len(ATTRIBUTE_PREFIX) :].strip())
        else:
            names.append(ALIASES.get(lowered, ALIASES.get(name, lowered.replace(" ", "_"))))
    unknown = [
        raw
        for raw, name in zip(header, names, strict=True)
        if name and name not in ALL_COLUMNS and not name.startswith(ATTRIBUTE_PREFIX)
    ]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    problems = []
    if unknown:
        problems.append(_("Unknown columns: %(names)s.") % {"names": ", ".join(unknown)})
    if missing:
        problems.append(_("Missing columns: %(names)s.") % {"names": ", ".join(missing)})
    if repeated:
        problems.append(_("Columns given twice: %(names)s.") % {"names": ", ".join(repeated)})
    if problems:
        problems.append(
            _("The columns are: %(names)s, and attr:<code> for specifications.")
            % {"names": ", ".join(ALL_COLUMNS)}
        )
        raise CatalogError(" ".join(problems), code=ErrorCode.BAD_COLUMNS, field="file")
    return names


def template_csv() -> bytes:
    """An empty import file with every column and one example row."""
    return exports.csv_bytes([
        ALL_COLUMNS + ["attr:origin"],
        [
            "TEA-001", "West Lake Longjing green tea 250g", "green-tea", "TEA-001-250", "88.00",
            "50", "40.00", "0.300", "6901234567892", "10", "7", "Size", "250g", "", "", "", "",
            "<p>Hand-fried Longjing.</p>", "longjing, green tea", "spring|gift", "", "", "",
            "Hangzhou",
        ],
    ])  # fmt: skip
