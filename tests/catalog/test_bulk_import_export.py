"""Bulk import/export: checked files, row-by-row all-or-nothing, error reports, GBK CSVs."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from catalog.errors import CatalogError
from catalog.models import BulkJob, Product, Sku, StockMovement
from catalog.services import bulk
from tests.factories.catalog import make_product, sku

HEADER = [
    "product_code", "title", "category", "sku_code", "price", "stock", "option1_name",
    "option1_value", "attr:origin",
]  # fmt: skip


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(data, name="products.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def run(shop, data, name="products.csv"):
    job = bulk.start_import(shop=shop, actor=shop.owner, upload=upload(data, name))
    bulk.run_job(job.pk)
    job.refresh_from_db()
    return job


def report_rows(job):
    with job.error_report.open("rb") as report:
        return list(csv.reader(io.StringIO(report.read().decode("utf-8-sig"))))[1:]


def test_rows_with_the_same_product_code_make_one_product_with_variants(shop, green_tea):
    job = run(
        shop,
        csv_bytes(
            [
                [
                    "CUP",
                    "Celadon tea cup",
                    green_tea.slug,
                    "CUP-S",
                    "19.90",
                    "5",
                    "Size",
                    "S",
                    "Longquan",
                ],
                ["CUP", "", "", "CUP-L", "29.90", "3", "Size", "L", ""],
                [
                    "POT",
                    "Clay teapot 300ml",
                    green_tea.slug,
                    "POT-1",
                    "128.00",
                    "2",
                    "",
                    "",
                    "Yixing",
                ],
            ]
        ),
    )
    assert (job.status, job.ok_rows, job.error_rows, job.processed_rows) == ("done", 3, 0, 3)
    cup = Product.objects.get(code="CUP")
    assert cup.variant_dimensions == ["Size"]
    assert list(cup.skus.order_by("position").values_list("code", "stock")) == [
        ("CUP-S", 5),
        ("CUP-L", 3),
    ]
    assert cup.total_stock == 8 and cup.attributes == {"origin": "Longquan"}
    assert StockMovement.objects.filter(sku__product=cup, kind="received").count() == 2
    assert not job.error_report


def test_each_bad_row_is_refused_alone_and_reported_by_row_and_column(shop, green_tea):
    make_product(shop, green_tea, code="OLD", skus=[sku("OLD-1", "10.00", stock=4)])
    job = run(
        shop,
        csv_bytes(
            [
                ["A", "Good green tea", green_tea.slug, "A-1", "10.00", "1", "", "", "Hangzhou"],
                ["B", "Bad price tea", green_tea.slug, "B-1", "9.999", "1", "", "", ""],
                ["C", "Negative stock tea", green_tea.slug, "C-1", "5.00", "-4", "", "", ""],
                ["D", "Unknown category tea", "no-such-category", "D-1", "5.00", "1", "", "", ""],
                ["E", "Duplicate code tea", green_tea.slug, "OLD-1", "5.00", "1", "", "", ""],
                ["F", "Best tea in the world", green_tea.slug, "F-1", "5.00", "1", "", "", ""],
                ["OLD", "", "", "OLD-1", "12.00", "9", "", "", ""],
            ]
        ),
    )
    assert (job.ok_rows, job.error_rows) == (2, 5)
    errors = {(row[0], row[3]): row[4] for row in report_rows(job)}
    assert "decimal places" in errors[("3", "price")]
    assert "negative" in errors[("4", "stock")]
    assert "no-such-category" in errors[("5", "category")]
    assert "already used" in errors[("6", "sku_code")]
    assert "“best”" in errors[("7", "title")]
    # Refused rows left nothing behind; the accepted update set price and stock.
    assert set(Product.objects.values_list("code", flat=True)) == {"A", "OLD"}
    old = Sku.objects.get(code="OLD-1")
    assert (old.price, old.stock) == (12, 9)
    adjusted = StockMovement.objects.get(sku=old, kind="adjusted")
    assert (adjusted.quantity, adjusted.reason) == (5, f"Import #{job.pk}")
    assert job.errors_preview[0]["row"] == 3


def test_a_row_failing_late_leaves_no_half_written_product(shop, green_tea):
    # The second SKU row of a new product fails: the product made by the first row stays whole,
    # and the failing row adds nothing.
    job = run(
        shop,
        csv_bytes(
            [
                ["CUP", "Celadon tea cup", green_tea.slug, "CUP-S", "19.90", "5", "Size", "S", ""],
                ["CUP", "", "", "CUP-M", "-1", "5", "Size", "M", ""],
            ]
        ),
    )
    assert (job.ok_rows, job.error_rows) == (1, 1)
    assert list(Sku.objects.values_list("code", flat=True)) == ["CUP-S"]
    assert StockMovement.objects.count() == 1


def test_a_gbk_csv_from_a_chinese_spreadsheet_imports_correctly(shop, green_tea):
    data = csv_bytes(
        [
            [
                "LJ",
                "西湖龙井 明前 250克",
                green_tea.slug,
                "LJ-250",
                "88.00",
                "6",
                "规格",
                "250克",
                "杭州",
            ]
        ],
        header=[
            "商品编码",
            "标题",
            "类目",
            "SKU编码",
            "价格",
            "库存",
            "option1_name",
            "option1_value",
            "attr:origin",
        ],
        encoding="gbk",
    )
    job = run(shop, data)
    assert (job.ok_rows, job.error_rows) == (1, 0)
    product = Product.objects.get(code="LJ")
    assert product.title == "西湖龙井 明前 250克"
    assert product.attributes["origin"] == "杭州"
    assert product.skus.get().options == {"规格": "250克"}


def test_an_unknown_encoding_is_refused_clearly(shop):
    data = b"product_code,title\n" + b"\xff\xfe\x00garbage\x00\x81"
    with pytest.raises(CatalogError) as error:
        bulk.start_import(shop=shop, actor=shop.owner, upload=upload(b"\x00\x01" + data))
    assert "CSV UTF-8" in str(error.value.message)
    assert not BulkJob.objects.exists()


def test_wrong_columns_are_refused_naming_them(shop):
    data = csv_bytes([["X"]], header=["product_code", "titel", "sku_code", "prise", "colour"])
    with pytest.raises(CatalogError) as error:
        bulk.start_import(shop=shop, actor=shop.owner, upload=upload(data))
    message = str(error.value.message)
    assert "Unknown columns: titel, prise, colour." in message
    assert "Missing columns: title, category, price." in message
    assert not BulkJob.objects.exists()


def test_other_files_are_refused(shop):
    with pytest.raises(CatalogError):
        bulk.start_import(shop=shop, actor=shop.owner, upload=upload(b"%PDF-1.4", name="x.pdf"))
    with pytest.raises(CatalogError) as error:
        bulk.start_import(shop=shop, actor=shop.owner, upload=upload(b"not a zip", name="x.xlsx"))
    assert "not an Excel" in str(error.value.message)
    with pytest.raises(CatalogError):
        bulk.start_import(shop=shop, actor=shop.owner, upload=upload(b"", name="x.csv"))


def test_xlsx_import(shop, green_tea):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(
        ["POT", "Clay teapot 300ml", green_tea.slug, "POT-1", 128.5, 2, None, None, "Yixing"]
    )
    sheet.append(["BAD", "Clay teapot 500ml", green_tea.slug, "POT-2", 12.345, 2, None, None, ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run(shop, buffer.getvalue(), name="products.xlsx")
    assert (job.ok_rows, job.error_rows) == (1, 1)
    assert Sku.objects.get(code="POT-1").price == 128.5
    assert report_rows(job)[0][3] == "price"


def test_export_then_reimport_round_trips(shop, green_tea, other_shop):
    make_product(
        shop,
        green_tea,
        code="CUP",
        variant_dimensions=["Size"],
        skus=[sku("CUP-S", "19.90", stock=5, Size="S"), sku("CUP-L", "29.90", stock=1, Size="L")],
        attributes={"origin": "Longquan", "grade": "special", "organic": True},
    )
    make_product(other_shop, green_tea, code="THEIRS", skus=[sku("THEIRS-1", "1.00")])
    for fmt in ("csv", "xlsx"):
        job = bulk.start_export(shop=shop, actor=shop.owner, fmt=fmt)
        bulk.run_job(job.pk)
        job.refresh_from_db()
        assert (job.status, job.total_rows) == ("done", 2)
        with job.result.open("rb") as result:
            data = result.read()
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        else:
            rows = [
                list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)
            ]
        header = rows[0]
        assert header[:5] == ["product_code", "title", "category", "sku_code", "price"]
        assert {"attr:origin", "attr:grade", "attr:organic"} <= set(header)
        assert [row[3] for row in rows[1:]] == ["CUP-S", "CUP-L"]  # not the other shop's
    reimport = run(shop, _csv_of(shop))
    assert (reimport.ok_rows, reimport.error_rows) == (2, 0)
    assert StockMovement.objects.filter(kind="adjusted").count() == 0  # nothing changed


def _csv_of(shop):
    header, rows = bulk.export_rows(shop)
    return csv_bytes(list(rows), header=header)


def test_a_job_runs_once(shop, green_tea):
    job = bulk.start_import(
        shop=shop,
        actor=shop.owner,
        upload=upload(
            csv_bytes([["A", "Good green tea", green_tea.slug, "A-1", "10.00", "1", "", "", ""]])
        ),
    )
    assert bulk.run_job(job.pk) == "done"
    assert bulk.run_job(job.pk) == "skipped"
    assert Product.objects.count() == 1


def test_five_hundred_products_import_in_one_job(shop, green_tea):
    rows = [
        [
            f"P{n:03d}",
            f"Green tea sample number {n}",
            green_tea.slug,
            f"P{n:03d}-1",
            "12.50",
            "3",
            "",
            "",
            "Anji",
        ]
        for n in range(500)
    ]
    job = run(shop, csv_bytes(rows))
    assert (job.ok_rows, job.error_rows, job.progress_percent) == (500, 0, 100)
    assert Product.objects.for_shop(shop).count() == 500
