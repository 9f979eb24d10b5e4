"""What import and export jobs share: queueing after commit, running once (`run_job`, from the
Celery task), how often they record progress for the page that polls it, and finishing.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.errors import CatalogError
from catalog.models import BulkJob

logger = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 0.5


def enqueue(job: BulkJob) -> None:
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
    # The runners finish their job through this module, so they are imported here.
    from catalog.services.bulk.exporting import run_export
    from catalog.services.bulk.importing import run_import

    job = BulkJob.objects.select_related("shop", "created_by").get(pk=job_id)
    try:
        if job.kind == BulkJob.Kind.IMPORT:
            run_import(job)
        else:
            run_export(job)
    except CatalogError as error:
        finish(job, status=BulkJob.Status.FAILED, message=str(error.message))
    except Exception:
        logger.exception("Bulk job %s failed", job_id)
        finish(
            job, status=BulkJob.Status.FAILED, message=_("The job failed unexpectedly; try again.")
        )
        raise
    return job.status


def finish(job: BulkJob, *, status: str, message: str = "") -> None:
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


def job_errors_text(job: BulkJob) -> list[str]:
    return [
        f"{_('Row')} {e['row']} · {e['column']}: {e['message']}" for e in job.errors_preview or []
    ]
