"""Inventory: the append-only stock ledger, low-stock alerts and stocktakes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models.products import Sku
from marketplace.core.states import StateMachine
from shops.scoping.models import ShopOwnedModel, ShopScopedManager, ShopScopedQuerySet


class AppendOnlyError(Exception):
    """A stock movement was about to be changed or deleted: the ledger is append-only."""


class StockMovementQuerySet(ShopScopedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The stock ledger is append-only.")

    def delete(self):
        raise AppendOnlyError("The stock ledger is append-only.")

    def _raw_delete(self, using):
        raise AppendOnlyError("The stock ledger is append-only.")


class StockMovement(ShopOwnedModel):
    """One change of one SKU's stock: the ledger that `stock` is the sum of.

    `quantity` is the change of `Sku.stock` (what can be sold), `reserved_change` the change of
    `Sku.reserved` (held for unpaid orders). A reservation moves units from stock to reserved, a
    release moves them back, a sale of reserved units takes them out of reserved (and a direct
    sale out of stock). A database trigger refuses UPDATE and DELETE.
    """

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        SOLD = "sold", _("Sold")
        RESERVED = "reserved", _("Reserved for an order")
        RELEASED = "released", _("Released from an order")
        RETURNED = "returned", _("Returned")
        ADJUSTED = "adjusted", _("Adjusted")
        STOCKTAKE = "stocktake", _("Stocktake")

    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.PROTECT,
        db_index=True,
        related_name="stock_movements",
        verbose_name=_("shop"),
    )
    sku = models.ForeignKey(
        Sku, on_delete=models.PROTECT, related_name="movements", verbose_name=_("SKU")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    quantity = models.IntegerField(_("change of stock"))
    reserved_change = models.IntegerField(_("change of reserved"), default=0)
    stock_after = models.IntegerField(_("stock after"))
    reserved_after = models.IntegerField(_("reserved after"), default=0)
    reference = models.CharField(_("reference"), max_length=64, blank=True, db_index=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # No constraint and no cascade: the ledger outlives accounts (and a trigger refuses
        # the UPDATE that SET_NULL would need).
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    objects = ShopScopedManager.from_queryset(StockMovementQuerySet)()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock ledger")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["sku", "-created_at"], name="catalog_movement_sku"),
            models.Index(fields=["sku", "kind", "created_at"], name="catalog_movement_velocity"),
            models.Index(fields=["shop", "-created_at"], name="catalog_movement_shop"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stock_after__gte=0, reserved_after__gte=0),
                name="catalog_movement_balances_not_negative",
            )
        ]

    def __str__(self):
        return f"{self.sku_id} {self.kind} {self.quantity:+d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The stock ledger is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The stock ledger is append-only.")

    @property
    def units_sold(self) -> int:
        return -(self.quantity + self.reserved_change) if self.kind == self.Kind.SOLD else 0


class StockAlert(ShopOwnedModel):
    """One crossing of a SKU's warning line, with the replenishment suggestion of that moment.

    Created in the transaction that made the stock cross the line (one per crossing: the SKU's
    `low_stock_alerted` flag is set then, and cleared when stock rises above the line again);
    `notified_at` is set by the Celery task that tells the shop, so a retried task tells nobody
    twice.
    """

    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.PROTECT,
        db_index=True,
        related_name="stock_alerts",
        verbose_name=_("shop"),
    )
    sku = models.ForeignKey(
        Sku, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("SKU")
    )
    stock = models.IntegerField(_("stock"))
    warning_line = models.IntegerField(_("warning line"))
    daily_velocity = models.DecimalField(
        _("units sold per day"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    days_of_cover = models.DecimalField(
        _("days of cover"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    suggested_min = models.IntegerField(_("order at least"), null=True, blank=True)
    suggested_quantity = models.IntegerField(_("suggested order"), null=True, blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("low-stock alert")
        verbose_name_plural = _("low-stock alerts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["shop", "-created_at"], name="catalog_alert_shop")]

    def __str__(self):
        return f"{self.sku_id}: {self.stock} ≤ {self.warning_line}"


class Stocktake(ShopOwnedModel):
    """A count of some SKUs: enter counted quantities, review the differences, post them."""

    class State(models.TextChoices):
        OPEN = "open", _("Counting")
        POSTED = "posted", _("Posted")
        CANCELLED = "cancelled", _("Cancelled")

    state_machine = StateMachine(
        name="catalog_stocktake",
        states=State,
        transitions={State.OPEN: {State.POSTED, State.CANCELLED}},
        shop_id_attr="shop_id",
    )

    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.PROTECT,
        db_index=True,
        related_name="stocktakes",
        verbose_name=_("shop"),
    )
    title = models.CharField(_("title"), max_length=100)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    reason = models.CharField(_("reason for the adjustments"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posted by"),
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class StocktakeLine(ShopOwnedModel):
    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.PROTECT,
        db_index=True,
        related_name="+",
        verbose_name=_("shop"),
    )
    stocktake = models.ForeignKey(
        Stocktake, on_delete=models.CASCADE, related_name="lines", verbose_name=_("stocktake")
    )
    sku = models.ForeignKey(
        Sku, on_delete=models.PROTECT, related_name="stocktake_lines", verbose_name=_("SKU")
    )
    counted = models.IntegerField(_("counted"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    stock_at_posting = models.IntegerField(_("stock when posted"), null=True, blank=True)
    difference = models.IntegerField(_("difference posted"), null=True, blank=True)

    class Meta:
        verbose_name = _("stocktake line")
        verbose_name_plural = _("stocktake lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "sku"], name="catalog_stocktake_sku_once"),
            models.CheckConstraint(
                condition=models.Q(counted__gte=0) | models.Q(counted__isnull=True),
                name="catalog_stocktake_counted_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.stocktake_id}: {self.sku_id}"
