"""Delivery alerts: promises that were missed, each alerted once."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from logistics.models.shipments import Shipment
from shops.scoping.models import ShopOwnedModel


class SlaAlert(ShopOwnedModel):
    """A delivery promise that was missed, alerted once (seller center + e-mail, buyer notice).

    `late_shipment`: a paid order not shipped within the promised hours (one per order).
    `stalled_tracking`: a parcel with no tracking update for too long (one per stall: `since` is
    the last update the alert was raised after, so a parcel that moves and stalls again alerts
    again).
    """

    class Kind(models.TextChoices):
        LATE_SHIPMENT = "late_shipment", _("Not shipped in time")
        STALLED_TRACKING = "stalled_tracking", _("No tracking update")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    order_id = models.BigIntegerField(_("order id"))
    order_number = models.CharField(_("order number"), max_length=20)
    shipment = models.ForeignKey(
        Shipment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("shipment"),
    )
    since = models.DateTimeField(_("late since"))
    created_at = models.DateTimeField(_("alerted at"), auto_now_add=True)

    class Meta(ShopOwnedModel.Meta):
        verbose_name = _("delivery alert")
        verbose_name_plural = _("delivery alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order_id"],
                condition=Q(kind="late_shipment"),
                name="logistics_slaalert_late_once",
            ),
            models.UniqueConstraint(
                fields=["shipment", "since"],
                condition=Q(kind="stalled_tracking"),
                name="logistics_slaalert_stall_once",
            ),
        ]
        indexes = [models.Index(fields=["shop", "-created_at"], name="logistics_alert_shop")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.order_number}"
