"""Bulk import and export of products, SKUs, prices and stock (CSV and XLSX), as Celery jobs.

Import: one row per SKU; rows with the same `product_code` belong to one product (the first row
creates it, the next ones add or update its SKUs). Each row is all-or-nothing (a savepoint per
row): a refused row leaves nothing behind and is listed in the error report with its row number
and column. The file is checked when it is uploaded (encoding, columns), so a wrong file is
refused at once with the reason; the rows are processed by `run_job()` in the background, which
records its progress for the page that polls it.

CSV files may be UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030 (what Excel on a
Chinese Windows writes): UTF-8 is tried first, then GB18030; anything else is refused clearly.

    files.py      reading and checking a file (decode_csv, read_table, check_header), the
                  columns, the template
    importing.py  start_import and the rows of an import (one savepoint each), the error report
    exporting.py  start_export and the rows of an export, streamed from the database
    jobs.py       what both kinds of job share: queueing, running once (run_job), finishing

The names below are the public interface; import them from `catalog.services.bulk`.
"""

from catalog.services.bulk.exporting import export_rows, start_export
from catalog.services.bulk.files import (
    ALL_COLUMNS,
    ATTRIBUTE_PREFIX,
    MAX_FILE_BYTES,
    MAX_ROWS,
    check_header,
    decode_csv,
    read_table,
    template_csv,
)
from catalog.services.bulk.importing import start_import
from catalog.services.bulk.jobs import job_errors_text, run_job

__all__ = [
    "ALL_COLUMNS",
    "ATTRIBUTE_PREFIX",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "check_header",
    "decode_csv",
    "export_rows",
    "job_errors_text",
    "read_table",
    "run_job",
    "start_export",
    "start_import",
    "template_csv",
]
