"""Exports: every active SKU of the shop with its product, in the import's columns, streamed from
the database into a CSV or XLSX file.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import selectors
from catalog.errors import CatalogError, ErrorCode
from catalog.models import BulkJob, Sku
from catalog.services.bulk.files import ALL_COLUMNS, ATTRIBUTE_PREFIX
from catalog.services.bulk.jobs import PROGRESS_EVERY_SECONDS, enqueue, finish
from marketplace.core import exports


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
        enqueue(job)
    return job


def _attribute_codes(shop) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT jsonb_object_keys(attributes) FROM catalog_product WHERE shop_id = %s",
            [shop.pk],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _export_value(value):
    """A cell: yes/no, a|b|c for a list, numbers as numbers (the writer keeps them numbers)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "|".join(str(item) for item in value)
    return value


def export_rows(shop) -> tuple[list[str], Iterator[list]]:
    """The export header and its rows, streamed from the database (one row per active SKU):
    text as it is stored, numbers as numbers (`marketplace.core.exports` writes them safely)."""
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
                sku.price,
                sku.stock,
                sku.cost_price,
                sku.weight,
                sku.barcode,
                sku.warning_line,
                sku.lead_time_days,
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


def run_export(job: BulkJob) -> None:
    header, rows = export_rows(job.shop)
    count = 0
    last_progress = time.monotonic()

    def tick():
        nonlocal count, last_progress
        count += 1
        if time.monotonic() - last_progress > PROGRESS_EVERY_SECONDS:
            BulkJob.objects.filter(pk=job.pk).update(processed_rows=count)
            last_progress = time.monotonic()

    def counted():
        yield header
        for row in rows:
            yield row
            tick()

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if job.format == BulkJob.Format.XLSX:
        content = exports.xlsx_bytes(counted(), sheet="products")
    else:
        content = exports.csv_bytes(counted())
    job.processed_rows = job.ok_rows = job.total_rows = count
    job.result.save(f"products-{stamp}.{job.format}", ContentFile(content), save=False)
    finish(job, status=BulkJob.Status.DONE)
