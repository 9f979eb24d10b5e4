"""Bulk import and export of products, SKUs, prices and stock (CSV and XLSX), as Celery jobs.

Import: one row per SKU; rows with the same `product_code` belong to one product (the first row
creates it, the next ones add or update its SKUs). Each row is all-or-nothing (a savepoint per
row): a refused row leaves nothing behind and is listed in the error report with its row number
and column. The file is checked when it is uploaded (encoding, columns), so a wrong file is
refused at once with the reason; the rows are processed by `run_job()` in the background, which
records its progress for the page that polls it.

CSV files may be UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030 (what Excel on a
Chinese Windows writes): UTF-8 is tried first, then GB18030; anything else is refused clearly.
"""

from __future__ import annotations

import csv
import io
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import selectors
from catalog.errors import CatalogError, ErrorCode
from catalog.models import BulkJob, Category, Product, Sku
from catalog.services import inventory
from catalog.services import products as product_services
from compliance import audit

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
PROGRESS_EVERY_SECONDS = 0.5
ERROR_PREVIEW = 50

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
    return str(value).strip()


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
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
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


# --- Starting jobs --------------------------------------------------------------------------------
def _format_of(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        return BulkJob.Format.XLSX
    if lowered.endswith((".csv", ".txt")):
        return BulkJob.Format.CSV
    raise CatalogError(_("Upload a .csv or .xlsx file."), code=ErrorCode.BAD_FILE, field="file")


def start_import(*, shop, actor, upload) -> BulkJob:
    """Check the file (size, format, encoding, columns) and queue the import job."""
    if not shop.can_list_products:
        raise CatalogError(
            _("Your shop cannot list new products while it is %(state)s.")
            % {"state": shop.get_state_display()},
            code=ErrorCode.SHOP_CANNOT_LIST,
        )
    name = (getattr(upload, "name", "") or "upload.csv").rsplit("/", 1)[-1][:150]
    fmt = _format_of(name)
    if getattr(upload, "size", 0) > MAX_FILE_BYTES:
        raise CatalogError(
            _("The file is too large: at most %(mb)d MB.") % {"mb": MAX_FILE_BYTES // 2**20},
            code=ErrorCode.BAD_FILE,
            field="file",
        )
    upload.seek(0)
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise CatalogError(_("The file is too large."), code=ErrorCode.BAD_FILE, field="file")
    parsed = read_table(data, fmt)
    with transaction.atomic():
        job = BulkJob(
            shop=shop,
            kind=BulkJob.Kind.IMPORT,
            format=fmt,
            original_name=name,
            total_rows=len(parsed.rows),
            created_by=actor,
        )
        job.source.save(name, ContentFile(data), save=False)
        job.save()
        _enqueue(job)
    return job


def start_export(*, shop, actor, fmt: str) -> BulkJob:
    if fmt not in BulkJob.Format.values:
        raise CatalogError(_("Choose CSV or XLSX."), code=ErrorCode.INVALID, field="format")
    with transaction.atomic():
        job = BulkJob.objects.create(
            shop=shop,
            kind=BulkJob.Kind.EXPORT,
            format=fmt,
            total_rows=Sku.objects.for_shop(shop).filter(is_active=True).count(),
            created_by=actor,
        )
        _enqueue(job)
    return job


def _enqueue(job: BulkJob) -> None:
    from catalog import tasks

    job_id = job.pk
    transaction.on_commit(lambda: tasks.run_bulk_job.delay(job_id))


def run_job(job_id: int) -> str:
    """Run a queued job once (a second delivery of the same task finds it started and stops)."""
    claimed = BulkJob.objects.filter(pk=job_id, status=BulkJob.Status.QUEUED).update(
        status=BulkJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    job = BulkJob.objects.select_related("shop", "created_by").get(pk=job_id)
    try:
        if job.kind == BulkJob.Kind.IMPORT:
            _run_import(job)
        else:
            _run_export(job)
    except CatalogError as error:
        _finish(job, status=BulkJob.Status.FAILED, message=str(error.message))
    except Exception:
        logger.exception("Bulk job %s failed", job_id)
        _finish(
            job, status=BulkJob.Status.FAILED, message=_("The job failed unexpectedly; try again.")
        )
        raise
    return job.status


def _finish(job: BulkJob, *, status: str, message: str = "") -> None:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "message",
            "finished_at",
            "processed_rows",
            "ok_rows",
            "error_rows",
            "errors_preview",
            "error_report",
            "result",
            "total_rows",
        ]
    )


# --- Import --------------------------------------------------------------------------------------
class RowError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


_FIELD_COLUMNS = {
    "price": "price", "cost_price": "cost_price", "weight": "weight", "barcode": "barcode",
    "stock": "stock", "code": "sku_code", "options": "option1_value",
    "warning_line": "warning_line",
    "lead_time_days": "lead_time_days",
}  # fmt: skip


def _column_of(key: str) -> str:
    if key.startswith("skus["):
        field = key.split(".", 1)[1] if "." in key else "sku_code"
        return _FIELD_COLUMNS.get(field, field)
    if key.startswith("attributes."):
        return ATTRIBUTE_PREFIX + key.split(".", 1)[1]
    return {"code": "product_code", "variant_dimensions": "option1_name", "skus": "sku_code"}.get(
        key, key
    )


def _strip_row_prefix(message: str) -> str:
    # Service messages about SKU rows start with "Row 1: "; in a file that row number is wrong.
    if message.startswith(("Row ", "第")) and ": " in message[:12]:
        return message.split(": ", 1)[1]
    return message


class _Importer:
    def __init__(self, job: BulkJob, header: list[str]):
        self.job = job
        self.shop = job.shop
        self.actor = job.created_by
        self.header = header
        self.categories = {c.slug: c for c in Category.objects.all()}
        self.categories_by_id = {str(c.pk): c for c in self.categories.values()}
        # A leaf may also be named in either language, when that name is unique among leaves.
        names: dict[str, list[Category]] = {}
        for category in self.categories.values():
            if category.is_leaf:
                for name in {category.name.casefold(), category.name_zh.casefold()}:
                    names.setdefault(name, []).append(category)
        self.categories_by_name = {
            name: found[0] for name, found in names.items() if len(found) == 1
        }
        self.reason = _("Import #%(id)s") % {"id": job.pk}

    def value(self, row: dict, name: str) -> str:
        return row.get(name, "").strip()

    def category(self, row) -> Category:
        raw = self.value(row, "category")
        category = (
            self.categories.get(raw)
            or self.categories_by_id.get(raw)
            or self.categories_by_name.get(raw.casefold())
        )
        if category is None:
            raise RowError(
                "category",
                _("Unknown category “%(value)s”: use the category's slug or its exact name.")
                % {"value": raw},
            )
        return category

    def options(self, row) -> tuple[list[str], dict]:
        names, options = [], {}
        for n in (1, 2, 3):
            name, value = self.value(row, f"option{n}_name"), self.value(row, f"option{n}_value")
            if name or value:
                if not (name and value):
                    raise RowError(
                        f"option{n}_value", _("Give both the option's name and its value.")
                    )
                names.append(name)
                options[name] = value
        return names, options

    def sku_data(
        self, row, options, *, sku_id=None, include_stock: bool
    ) -> product_services.SkuData:
        return product_services.SkuData(
            id=sku_id,
            code=self.value(row, "sku_code"),
            price=self.value(row, "price"),
            options=options,
            cost_price=self.value(row, "cost_price") or None,
            weight=self.value(row, "weight") or None,
            barcode=self.value(row, "barcode"),
            stock=self.value(row, "stock") if include_stock else None,
            warning_line=self.value(row, "warning_line") or None,
            lead_time_days=self.value(row, "lead_time_days") or None,
        )

    def attributes(self, row, base: dict) -> dict:
        values = dict(base)
        for name in self.header:
            if name.startswith(ATTRIBUTE_PREFIX) and self.value(row, name):
                values[name[len(ATTRIBUTE_PREFIX) :]] = self.value(row, name)
        return values

    def import_row(self, row: dict) -> None:
        code = self.value(row, "product_code")
        if not code:
            raise RowError("product_code", _("The product code is required."))
        if not self.value(row, "sku_code"):
            raise RowError("sku_code", _("The SKU code is required."))
        dimensions, options = self.options(row)
        product = (
            Product.objects.for_shop(self.shop).filter(code=code).select_related("category").first()
        )
        tags = [tag for tag in self.value(row, "tags").split("|") if tag.strip()]
        if product is None:
            data = product_services.ProductData(
                category=self.category(row),
                title=self.value(row, "title"),
                code=code,
                skus=[self.sku_data(row, options, include_stock=True)],
                description=self.value(row, "description"),
                attributes=self.attributes(row, {}),
                variant_dimensions=dimensions,
                tags=tags,
                search_keywords=self.value(row, "search_keywords"),
                meta_title=self.value(row, "meta_title"),
                meta_description=self.value(row, "meta_description"),
                video_url=self.value(row, "video_url"),
            )
            product_services.create_product(
                shop=self.shop, actor=self.actor, data=data, audit_log=False
            )
            return
        if not product.is_editable:
            raise RowError("product_code", _("This product is blocked and cannot be changed."))
        if dimensions != list(product.variant_dimensions or []):
            raise RowError(
                "option1_name",
                _("The product's options are %(dims)s; this row gives %(row)s.")
                % {
                    "dims": ", ".join(product.variant_dimensions) or _("none"),
                    "row": ", ".join(dimensions) or _("none"),
                },
            )
        data = product_services.product_data_from(product)
        if self.value(row, "category"):
            data.category = self.category(row)
        for name in (
            "title",
            "description",
            "search_keywords",
            "meta_title",
            "meta_description",
            "video_url",
        ):
            if self.value(row, name):
                setattr(data, name, self.value(row, name))
        if tags:
            data.tags = tags
        data.attributes = self.attributes(row, data.attributes)
        existing = list(
            Sku.objects.filter(product=product, is_active=True).order_by("position", "id")
        )
        rows, matched = [], None
        key = product_services.option_key(options, dimensions)
        for sku in existing:
            if sku.code == self.value(row, "sku_code") or sku.option_key == key:
                matched = sku
                rows.append(self.sku_data(row, options, sku_id=sku.pk, include_stock=False))
            else:
                rows.append(
                    product_services.SkuData(
                        id=sku.pk,
                        code=sku.code,
                        price=sku.price,
                        options=sku.options,
                        cost_price=sku.cost_price,
                        weight=sku.weight,
                        barcode=sku.barcode,
                    )
                )
        if matched is None:
            rows.append(self.sku_data(row, options, include_stock=True))
        data.skus = rows
        product_services.update_product(
            product, shop=self.shop, actor=self.actor, data=data, audit_log=False
        )
        stock = self.value(row, "stock")
        if matched is not None and stock:
            try:
                level = product_services.parse_int(stock, label=_("Stock"))
            except ValueError as error:
                raise RowError("stock", str(error)) from error
            inventory.set_stock_levels(
                {matched.pk: level},
                shop=self.shop,
                kind=inventory.Kind.ADJUSTED,
                actor=self.actor,
                reason=self.reason,
                reference=f"import:{self.job.pk}",
            )


def _run_import(job: BulkJob) -> None:
    with job.source.open("rb") as source:
        parsed = read_table(source.read(), job.format)
    importer = _Importer(job, parsed.header)
    errors: list[dict] = []
    job.total_rows = len(parsed.rows)
    last_progress = time.monotonic()
    for index, cells in enumerate(parsed.rows):
        row_number = index + 2  # the header is row 1
        row = dict(
            zip(parsed.header, cells + [""] * (len(parsed.header) - len(cells)), strict=False)
        )
        errors_before = len(errors)
        try:
            with transaction.atomic():  # one savepoint per row: all or nothing
                importer.import_row(row)
            job.ok_rows += 1
        except RowError as error:
            errors.append(_error(row_number, row, error.column, error.message))
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                for message in messages:
                    errors.append(
                        _error(row_number, row, _column_of(key), _strip_row_prefix(message))
                    )
        except CatalogError as error:
            errors.append(
                _error(row_number, row, _column_of(error.field or ""), str(error.message))
            )
        except DatabaseError:
            logger.exception("Import job %s, row %s", job.pk, row_number)
            errors.append(_error(row_number, row, "", _("This row could not be saved.")))
        if len(errors) > errors_before:
            job.error_rows += 1
        job.processed_rows = index + 1
        if time.monotonic() - last_progress > PROGRESS_EVERY_SECONDS:
            BulkJob.objects.filter(pk=job.pk).update(
                processed_rows=job.processed_rows,
                ok_rows=job.ok_rows,
                error_rows=job.error_rows,
                total_rows=job.total_rows,
            )
            last_progress = time.monotonic()
    job.errors_preview = errors[:ERROR_PREVIEW]
    if errors:
        job.error_report.save(
            f"errors-{job.pk}.csv", ContentFile(_error_report(errors)), save=False
        )
    audit.record(
        "catalog.import.finished",
        actor=job.created_by,
        obj=job,
        shop_id=job.shop_id,
        after={"rows": job.total_rows, "saved": job.ok_rows, "refused": job.error_rows},
    )
    _finish(job, status=BulkJob.Status.DONE)


def _error(row_number: int, row: dict, column: str, message: str) -> dict:
    return {
        "row": row_number,
        "product_code": row.get("product_code", ""),
        "sku_code": row.get("sku_code", ""),
        "column": column,
        "message": str(message),
    }


def _error_report(errors: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("row"), "product_code", "sku_code", _("column"), _("error")])
    for error in errors:
        writer.writerow(
            [
                error["row"],
                error["product_code"],
                error["sku_code"],
                error["column"],
                error["message"],
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")  # with a BOM, so Excel reads it as UTF-8


# --- Export --------------------------------------------------------------------------------------
def _attribute_codes(shop) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT jsonb_object_keys(attributes) FROM catalog_product WHERE shop_id = %s",
            [shop.pk],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _export_value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "|".join(str(item) for item in value)
    if value is None:
        return ""
    return str(value)


def export_rows(shop) -> tuple[list[str], Iterator[list[str]]]:
    """The export header and its rows, streamed from the database (one row per active SKU)."""
    codes = _attribute_codes(shop)
    header = ALL_COLUMNS + [ATTRIBUTE_PREFIX + code for code in codes]
    categories = selectors.category_map()

    def rows():
        skus = (
            Sku.objects.for_shop(shop)
            .filter(is_active=True)
            .select_related("product")
            .order_by("product_id", "position", "id")
        )
        for sku in skus.iterator(chunk_size=1000):
            product = sku.product
            category = categories.get(product.category_id)
            names = list(product.variant_dimensions or [])
            options = []
            for n in range(3):
                name = names[n] if n < len(names) else ""
                options += [name, str((sku.options or {}).get(name, "")) if name else ""]
            row = [
                product.code or f"P{product.pk}",
                product.title,
                category.slug if category else "",
                sku.code,
                _export_value(sku.price),
                str(sku.stock),
                _export_value(sku.cost_price),
                _export_value(sku.weight),
                sku.barcode,
                str(sku.warning_line),
                str(sku.lead_time_days),
                *options,
                product.description,
                product.search_keywords,
                "|".join(product.tags or []),
                product.meta_title,
                product.meta_description,
                product.video_url,
            ]
            row += [_export_value((product.attributes or {}).get(code)) for code in codes]
            yield row

    return header, rows()


def _run_export(job: BulkJob) -> None:
    header, rows = export_rows(job.shop)
    count = 0
    last_progress = time.monotonic()

    def tick():
        nonlocal count, last_progress
        count += 1
        if time.monotonic() - last_progress > PROGRESS_EVERY_SECONDS:
            BulkJob.objects.filter(pk=job.pk).update(processed_rows=count)
            last_progress = time.monotonic()

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if job.format == BulkJob.Format.XLSX:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("products")
        sheet.append(header)
        for row in rows:
            sheet.append(row)
            tick()
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            tick()
        content = buffer.getvalue().encode("utf-8-sig")
    job.processed_rows = job.ok_rows = job.total_rows = count
    job.result.save(f"products-{stamp}.{job.format}", ContentFile(content), save=False)
    _finish(job, status=BulkJob.Status.DONE)


def template_csv() -> bytes:
    """An empty import file with every column and one example row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ALL_COLUMNS + ["attr:origin"])
    writer.writerow([
        "TEA-001", "West Lake Longjing green tea 250g", "green-tea", "TEA-001-250", "88.00", "50",
        "40.00", "0.300", "6901234567892", "10", "7", "Size", "250g", "", "", "", "",
        "<p>Hand-fried Longjing.</p>", "longjing, green tea", "spring|gift", "", "", "", "Hangzhou",
    ])  # fmt: skip
    return buffer.getvalue().encode("utf-8-sig")


def job_errors_text(job: BulkJob) -> list[str]:
    return [
        f"{_('Row')} {e['row']} · {e['column']}: {e['message']}" for e in job.errors_preview or []
    ]


__all__ = [
    "ALL_COLUMNS",
    "check_header",
    "decode_csv",
    "export_rows",
    "run_job",
    "start_export",
    "start_import",
    "template_csv",
]
