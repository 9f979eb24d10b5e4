"""Models of the Compliance chapter: the audit log and the prohibited-word list.

`compliance` is a low layer (DESIGN §2): it must not import `shops` or any chapter above it, so
the shop an audit row belongs to is a plain integer.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from compliance.normalize import normalize_text


class AppendOnlyError(PermissionDenied):
    """An audit row was about to be changed or deleted."""


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")

    def _raw_delete(self, using):
        raise AppendOnlyError("The audit log is append-only.")

    def for_shop(self, shop_id: int):
        return self.filter(shop_id=shop_id)


class AuditLog(models.Model):
    """Who did what to which object, from where, when, with the values before and after.

    Append-only: the model, its queryset and a PostgreSQL trigger (migration 0002) refuse every
    UPDATE and DELETE. Tamper-evident: each row stores the SHA-256 of its content chained to the
    previous row's hash (`compliance.audit.verify_chain()` recomputes the chain).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # No database constraint and no cascade: the row outlives the account it names
        # (erasing a user must not rewrite the log); `actor_repr` keeps who it was.
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_repr = models.CharField(_("actor"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("object type"),
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    shop_id = models.BigIntegerField(_("shop id"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("reason"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("at"), db_index=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["shop_id", "-created_at"], name="compliance_audit_shop")]

    def __str__(self):
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.object_repr}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")


class ProhibitedWord(models.Model):
    """A word that may not appear in shop names, product titles and descriptions."""

    class Kind(models.TextChoices):
        ABSOLUTE_CLAIM = "absolute_claim", _("Absolute advertising claim")
        RESERVED_NAME = "reserved_name", _("Reserved name")
        PROHIBITED = "prohibited", _("Prohibited word")

    word = models.CharField(_("word"), max_length=100)
    normalized = models.CharField(_("normalized form"), max_length=100, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("prohibited word")
        verbose_name_plural = _("prohibited words")
        ordering = ["kind", "word"]

    def __str__(self):
        return self.word

    def save(self, *args, **kwargs):
        self.normalized = normalize_text(self.word)
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        self.normalized = normalize_text(self.word)
        if not self.normalized:
            raise ValidationError({"word": _("Enter a word.")})
        clash = ProhibitedWord.objects.filter(normalized=self.normalized).exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError({"word": _("This word is already on the list.")})
