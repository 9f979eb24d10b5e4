"""Carriers (managed by the platform) and the carriers each shop ships with."""

from __future__ import annotations

from urllib.parse import quote as url_quote

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from logistics.adapters import OFFLINE, adapter_choices, get_adapter_info
from shops.scoping.models import ShopOwnedModel

TRACKING_NUMBER_PLACEHOLDER = "{number}"


def validate_tracking_url_pattern(value: str) -> None:
    if TRACKING_NUMBER_PLACEHOLDER not in value:
        raise ValidationError(
            _("Put {number} where the tracking number goes."), code="missing_placeholder"
        )
    if not value.startswith(("https://", "http://")):
        raise ValidationError(_("Use an http:// or https:// address."), code="not_http")


# --- Carriers (managed by the platform) ----------------------------------------------------------
class Carrier(models.Model):
    """A delivery company the platform works with. Shops choose theirs among the active ones."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    tracking_url_pattern = models.CharField(
        _("tracking page address"),
        max_length=300,
        blank=True,
        validators=[validate_tracking_url_pattern],
        help_text=_("The carrier's public tracking page, with {number} for the tracking number."),
    )
    adapter = models.CharField(
        _("adapter"),
        max_length=30,
        choices=adapter_choices,
        default=OFFLINE,
        help_text=_("How the platform talks to this carrier (tracking updates)."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive carriers cannot be chosen by shops.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_zh if (get_language() or "").lower().startswith("zh") else self.name_en

    @property
    def simulated(self) -> bool:
        return (
            get_adapter_info(self.adapter).simulated if self.adapter in adapter_names() else False
        )

    @property
    def adapter_configured(self) -> bool:
        return self.adapter in adapter_names() and get_adapter_info(self.adapter).configured

    def tracking_url(self, number: str) -> str:
        """The carrier's tracking page for `number` ("" when the carrier has none)."""
        if not self.tracking_url_pattern:
            return ""
        return self.tracking_url_pattern.replace(
            TRACKING_NUMBER_PLACEHOLDER, url_quote(number, safe="")
        )


def adapter_names() -> set[str]:
    return {name for name, _label in adapter_choices()}


class ShopCarrier(ShopOwnedModel):
    """A carrier a shop ships with; one of them may be the shop's default."""

    carrier = models.ForeignKey(
        Carrier, on_delete=models.PROTECT, related_name="shop_links", verbose_name=_("carrier")
    )
    is_default = models.BooleanField(_("default carrier"), default=False)
    account_number = models.CharField(
        _("account number"),
        max_length=60,
        blank=True,
        help_text=_("Your monthly-settlement account with this carrier, if you have one."),
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta(ShopOwnedModel.Meta):
        verbose_name = _("shop carrier")
        verbose_name_plural = _("shop carriers")
        ordering = ["carrier__position", "carrier__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "carrier"], name="logistics_shopcarrier_unique"
            ),
            models.UniqueConstraint(
                fields=["shop"],
                condition=Q(is_default=True),
                name="logistics_shopcarrier_one_default",
            ),
        ]

    def __str__(self):
        return str(self.carrier)
