"""The offline (test-mode) provider's own book: what it knows of each payment, as a real
provider keeps its PaymentIntents on its side. Only `orders.payments.offline` reads and writes it;
our `Payment` learns its state only from the provider's events (delivered, or asked for by the
payment repair job), exactly as with Stripe."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}


class OfflineIntent(models.Model):
    class Status(models.TextChoices):  # Stripe's words for a PaymentIntent's status
        REQUIRES_PAYMENT_METHOD = "requires_payment_method", _("Waiting for the buyer")
        SUCCEEDED = "succeeded", _("Paid (test)")
        CANCELED = "canceled", _("Cancelled")

    reference = models.CharField(_("reference"), max_length=100, unique=True)
    payment_id = models.BigIntegerField(_("our payment id"))  # metadata, as the provider keeps it
    checkout_token = models.CharField(_("checkout"), max_length=64)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=Status.choices,
        default=Status.REQUIRES_PAYMENT_METHOD,
    )
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("offline payment intent")
        verbose_name_plural = _("offline payment intents")

    def __str__(self):
        return f"{self.reference} ({self.status})"
