"""The cart: one per signed-in buyer, one per guest session (by a random token in the session).

Guest and signed-in carts are the same rows, so every cart path is one code path; at login the
guest's lines move into the buyer's cart (`orders.services.cart.merge_guest_cart`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}
MAX_LINE_QUANTITY = 999


class Cart(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cart",
        verbose_name=_("buyer"),
    )
    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        indexes = [
            # Guest carts nobody came back to are purged by age.
            models.Index(
                fields=["updated_at"], name="orders_cart_guest_age", condition=models.Q(user=None)
            )
        ]

    def __str__(self):
        return f"cart {self.token}"


class CartLine(models.Model):
    """A SKU in a cart. `added_price` is the price when it was added (or last acknowledged): the
    price engine flags a line whose current price differs."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey(
        "catalog.Sku", on_delete=models.CASCADE, related_name="+", verbose_name=_("SKU")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    added_price = models.DecimalField(_("price when added"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "sku"], name="orders_cartline_sku_once"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=MAX_LINE_QUANTITY),
                name="orders_cartline_quantity_range",
            ),
        ]

    def __str__(self):
        return f"{self.sku_id} × {self.quantity}"
