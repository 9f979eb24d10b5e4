"""Shipping templates (per shop): a default rate, rules per province, thresholds, exclusions,
insurance. The fee maths over them is `logistics.quote`."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from logistics.models.fields import MONEY, NON_NEGATIVE, POSITIVE_UNITS, UNITS, ZERO
from logistics.quote import Basis, Rate, RuleSnapshot, TemplateSnapshot
from shops.scoping.models import ShopOwnedModel


class RateFields(models.Model):
    """First-unit and extra-unit fees (units are pieces, kg or m³ by the template's basis)."""

    first_units = models.DecimalField(
        _("first units"), **UNITS, default=Decimal("1"), validators=POSITIVE_UNITS
    )
    first_fee = models.DecimalField(_("first fee"), **MONEY, default=ZERO, validators=NON_NEGATIVE)
    extra_units = models.DecimalField(
        _("extra units"), **UNITS, default=Decimal("1"), validators=POSITIVE_UNITS
    )
    extra_fee = models.DecimalField(_("extra fee"), **MONEY, default=ZERO, validators=NON_NEGATIVE)

    class Meta:
        abstract = True

    @property
    def rate(self) -> Rate:
        return Rate(self.first_units, self.first_fee, self.extra_units, self.extra_fee)

    @classmethod
    def rate_constraints(cls, prefix: str) -> list[models.CheckConstraint]:
        return [
            models.CheckConstraint(
                condition=Q(first_units__gt=0, extra_units__gt=0),
                name=f"{prefix}_units_positive",
            ),
            models.CheckConstraint(
                condition=Q(first_fee__gte=0, extra_fee__gte=0), name=f"{prefix}_fees_not_negative"
            ),
        ]


class ShippingTemplate(ShopOwnedModel, RateFields):
    """How a shop charges shipping: a default rate, rules per province, thresholds, exclusions.

    The rate fields on the template are the default for every province that no rule names.
    """

    name = models.CharField(_("name"), max_length=60)
    basis = models.CharField(
        _("charge by"), max_length=10, choices=Basis.choices, default=Basis.PIECE
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    free_over_amount = models.DecimalField(
        _("free shipping from (amount)"),
        **MONEY,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text=_("Free shipping when the goods cost at least this much. Leave empty for none."),
    )
    free_over_quantity = models.PositiveIntegerField(
        _("free shipping from (pieces)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Free shipping from this many pieces. Leave empty for none."),
    )
    non_deliverable = ArrayField(
        models.CharField(max_length=6),
        verbose_name=_("not delivered to"),
        default=list,
        blank=True,
    )
    insurance_percent = models.DecimalField(
        # xgettext:no-python-format
        _("shipping insurance (% of the goods)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text=_("Offer buyers insurance at this rate. Leave empty to offer none."),
    )
    insurance_minimum = models.DecimalField(
        _("insurance minimum"), **MONEY, default=ZERO, validators=NON_NEGATIVE
    )
    is_default = models.BooleanField(
        _("shop default"),
        default=False,
        help_text=_("Used for products that have no shipping template of their own."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta(ShopOwnedModel.Meta):
        verbose_name = _("shipping template")
        verbose_name_plural = _("shipping templates")
        ordering = ["-is_default", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "name"], name="logistics_template_name_unique"),
            models.UniqueConstraint(
                fields=["shop"], condition=Q(is_default=True), name="logistics_template_one_default"
            ),
            *RateFields.rate_constraints("logistics_template"),
            models.CheckConstraint(
                condition=Q(free_over_amount__isnull=True) | Q(free_over_amount__gte=0),
                name="logistics_template_free_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(insurance_percent__isnull=True)
                | Q(insurance_percent__gt=0, insurance_percent__lte=100),
                name="logistics_template_insurance_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(insurance_minimum__gte=0),
                name="logistics_template_insurance_minimum_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(basis__in=[choice.value for choice in Basis]),
                name="logistics_template_basis_valid",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def unit_label(self) -> str:
        """What the rate's units count: pieces, kg or m³."""
        return {Basis.WEIGHT: _("kg"), Basis.VOLUME: _("m³")}.get(self.basis, _("pcs"))

    @property
    def offers_insurance(self) -> bool:
        return self.insurance_percent is not None

    def snapshot(self) -> TemplateSnapshot:
        """The template as plain values for `logistics.quote` (uses prefetched rules if any)."""
        return TemplateSnapshot(
            id=self.pk,
            name=self.name,
            basis=self.basis,
            default_rate=self.rate,
            rules=tuple(rule.snapshot() for rule in self.rules.all()),
            non_deliverable=frozenset(self.non_deliverable),
            free_over_amount=self.free_over_amount,
            free_over_quantity=self.free_over_quantity,
            insurance_rate=(
                self.insurance_percent / 100 if self.insurance_percent is not None else None
            ),
            insurance_minimum=self.insurance_minimum,
            currency=self.currency,
            shop_id=self.shop_id,
        )


class ShippingRule(ShopOwnedModel, RateFields):
    """The rate for a set of destination provinces within a template. Within one template a
    province belongs to one rule at most (checked by `logistics.services` under a row lock)."""

    template = models.ForeignKey(
        ShippingTemplate,
        on_delete=models.CASCADE,
        related_name="rules",
        verbose_name=_("shipping template"),
    )
    provinces = ArrayField(models.CharField(max_length=6), verbose_name=_("provinces"))
    free_shipping_applies = models.BooleanField(
        _("free-shipping thresholds apply"),
        default=True,
        help_text=_("Untick for regions you never ship free to, e.g. remote ones."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta(ShopOwnedModel.Meta):
        verbose_name = _("shipping rule")
        verbose_name_plural = _("shipping rules")
        ordering = ["template_id", "position", "id"]
        constraints = [
            *RateFields.rate_constraints("logistics_rule"),
            models.CheckConstraint(
                condition=Q(provinces__len__gt=0), name="logistics_rule_has_provinces"
            ),
        ]

    def __str__(self):
        from logistics.regions import region_name

        return ", ".join(region_name(code) for code in self.provinces)

    def snapshot(self) -> RuleSnapshot:
        return RuleSnapshot(
            provinces=frozenset(self.provinces),
            rate=self.rate,
            free_shipping_applies=self.free_shipping_applies,
            label=str(self),
        )
