"""Shared models: state-machine events and in-app notifications.

Both belong to no chapter: every state machine (shop applications, shops, orders, shipments,
after-sales requests, payouts) writes `StateEvent` rows through `marketplace.core.states`, and
every "alert", "remind" or "notify" of SPEC §4 creates a `Notification` through
`marketplace.core.notifications.notify`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class StateEvent(models.Model):
    """One transition of one object's state machine: who, when, from, to, why (DESIGN §5)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(_("object id"), max_length=64)
    machine = models.CharField(_("state machine"), max_length=60)
    from_state = models.CharField(_("from"), max_length=40)
    to_state = models.CharField(_("to"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    reason = models.TextField(_("reason"), blank=True)
    shop_id = models.BigIntegerField(_("shop id"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="core_stateevent_object")
        ]

    def __str__(self):
        return f"{self.machine} {self.object_id}: {self.from_state} → {self.to_state}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_user(self, user):
        return self.filter(user=user)


class Notification(models.Model):
    """An in-app message shown in the seller center (and later the buyer's account)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # A plain id, not a foreign key: core sits below the shops app (DESIGN §2).
    shop_id = models.BigIntegerField(_("shop id"), null=True, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["user", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="core_notification_unread",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class PendingTask(models.Model):
    """A Celery task that could not reach the broker (Redis down): kept here and sent once the
    broker answers again, by the beat job "core: send tasks that waited for the broker"
    (`marketplace.core.outbox`). One row per distinct call: tasks take ids and are idempotent,
    so the same call waiting twice would do nothing more than once."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    options = models.JSONField(_("options"), default=dict)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("task waiting for the broker")
        verbose_name_plural = _("tasks waiting for the broker")
        ordering = ["id"]

    def __str__(self):
        return self.task
