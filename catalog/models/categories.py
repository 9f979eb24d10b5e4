"""The platform's category tree and each category's attribute template (spec parameters)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def _in_chinese() -> bool:
    return (translation.get_language() or "").lower().startswith("zh")


class Category(models.Model):
    """A node of the platform-managed tree. Sellers list products in leaf categories only.

    `path` ("/1/5/12/") and `depth` are kept by `catalog.services.categories.save_category`, so
    "this category and everything below it" is one indexed `LIKE '/1/5/%'`; products copy the
    path of their category for the same reason.
    """

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    name = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    path = models.CharField(_("path"), max_length=255, blank=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    is_leaf = models.BooleanField(_("leaf"), default=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    commission_rate = models.DecimalField(
        _("commission rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Percentage of each order line's goods value that the platform keeps."),
    )
    requires_review = models.BooleanField(
        _("listings need review"),
        default=False,
        help_text=_(
            "New listings and changes to live ones wait for a moderator before going live."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path", "position"]
        indexes = [
            models.Index(
                fields=["path"], name="catalog_category_path", opclasses=["text_pattern_ops"]
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commission_rate__gte=0, commission_rate__lte=100),
                name="catalog_category_commission_rate_range",
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language."""
        return (self.name_zh or self.name) if _in_chinese() else (self.name or self.name_zh)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this category (inclusive), read from `path`."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class AttributeType(models.TextChoices):
    TEXT = "text", _("Text")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    BOOLEAN = "boolean", _("Yes / no")
    CHOICE = "choice", _("One of a list")
    MULTI_CHOICE = "multi_choice", _("Several of a list")


class AttributeDefinition(models.Model):
    """One spec parameter of a category's template (inherited by the categories below it).

    `choices` is a list of ``[value, English label, Chinese label]`` for the choice types.
    """

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="attributes", verbose_name=_("category")
    )
    code = models.SlugField(
        _("code"), max_length=40, help_text=_("Stable key, e.g. “material”; used in imports.")
    )
    name = models.CharField(_("name (English)"), max_length=60)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    type = models.CharField(
        _("type"), max_length=20, choices=AttributeType.choices, default=AttributeType.TEXT
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    filterable = models.BooleanField(
        _("filterable"), default=False, help_text=_("Buyers can filter category pages by it.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attribute template")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"], name="catalog_attribute_code_once_per_category"
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return (self.name_zh or self.name) if _in_chinese() else (self.name or self.name_zh)

    @property
    def choice_values(self) -> list[str]:
        return [str(choice[0]) for choice in self.choices or []]

    def choice_label(self, value: str) -> str:
        for choice in self.choices or []:
            if str(choice[0]) == str(value):
                english = choice[1] if len(choice) > 1 else choice[0]
                chinese = choice[2] if len(choice) > 2 else english
                return chinese if _in_chinese() else english
        return str(value)

    @property
    def choice_pairs(self) -> list[tuple[str, str]]:
        return [(value, self.choice_label(value)) for value in self.choice_values]
