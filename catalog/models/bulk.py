"""Bulk import and export jobs: run by Celery, polled by the seller's progress page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shops.scoping.models import ShopOwnedModel
from shops.storage import private_storage


def job_upload_to(instance, filename):
    import uuid

    return f"catalog/jobs/{instance.shop_id}/{uuid.uuid4().hex}-{filename}"


class BulkJob(ShopOwnedModel):
    class Kind(models.TextChoices):
        IMPORT = "import", _("Import")
        EXPORT = "export", _("Export")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel (XLSX)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    FINISHED = (Status.DONE, Status.FAILED)

    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.PROTECT,
        db_index=True,
        related_name="catalog_jobs",
        verbose_name=_("shop"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    source = models.FileField(
        upload_to=job_upload_to, storage=private_storage, blank=True, max_length=255
    )
    result = models.FileField(
        upload_to=job_upload_to, storage=private_storage, blank=True, max_length=255
    )
    error_report = models.FileField(
        upload_to=job_upload_to, storage=private_storage, blank=True, max_length=255
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows done"), default=0)
    ok_rows = models.PositiveIntegerField(_("rows saved"), default=0)
    error_rows = models.PositiveIntegerField(_("rows refused"), default=0)
    errors_preview = models.JSONField(default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk job")
        verbose_name_plural = _("bulk jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(self.processed_rows * 100 / self.total_rows))
