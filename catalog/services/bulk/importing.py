"""Imports: the upload checked at once (`start_import`), then, in the job, one row per SKU, each
all-or-nothing (a savepoint per row); refused rows go to the error report with their row number
and column.
"""

from __future__ import annotations

import logging
import time

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from catalog.errors import CatalogError, ErrorCode
from catalog.models import BulkJob, Category, Product, Sku
from catalog.services import inventory
from catalog.services import products as product_services
from catalog.services.bulk.files import ATTRIBUTE_PREFIX, MAX_FILE_BYTES, read_table
from catalog.services.bulk.jobs import PROGRESS_EVERY_SECONDS, enqueue, finish
from compliance import audit
from marketplace.core import exports

logger = logging.getLogger(__name__)

ERROR_PREVIEW = 50


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
        enqueue(job)
    return job


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


def run_import(job: BulkJob) -> None:
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
    finish(job, status=BulkJob.Status.DONE)


def _error(row_number: int, row: dict, column: str, message: str) -> dict:
    return {
        "row": row_number,
        "product_code": row.get("product_code", ""),
        "sku_code": row.get("sku_code", ""),
        "column": column,
        "message": str(message),
    }


def _error_report(errors: list[dict]) -> bytes:
    header = [_("row"), "product_code", "sku_code", _("column"), _("error")]
    fields = ("row", "product_code", "sku_code", "column", "message")
    return exports.csv_bytes([header, *([error[name] for name in fields] for error in errors)])
