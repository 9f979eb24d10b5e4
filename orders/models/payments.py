"""Payments, refunds and the provider events that move them.

A checkout is paid once: one `Payment` covers its orders (`PaymentAllocation` says how much of it
is each order's). "Pay again" makes a new payment for the orders still unpaid; the old one is
cancelled. A payment's state is changed only by `orders.services.payments.handle_payment_event`,
from an event the provider signed (Stripe's webhook, or the offline provider's signed
confirmation), never from the browser.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.core.states import StateMachine

MONEY = {"max_digits": 12, "decimal_places": 2}


class Payment(models.Model):
    class State(models.TextChoices):
        CREATED = "created", _("Created")  # our row exists; the provider was not called yet
        PENDING = "pending", _("Waiting for the buyer")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    state_machine = StateMachine(
        name="payment",
        states=State,
        transitions={
            State.CREATED: {State.PENDING, State.SUCCEEDED, State.FAILED, State.CANCELLED},
            State.PENDING: {State.SUCCEEDED, State.FAILED, State.CANCELLED},
            # A failed attempt may still be retried by the buyer on the provider's page.
            State.FAILED: {State.SUCCEEDED, State.PENDING, State.CANCELLED},
            # A cancelled intent that the provider charged anyway is recorded as succeeded (and
            # refunded by the service, since its orders are paid or cancelled by then).
            State.CANCELLED: {State.SUCCEEDED},
            State.SUCCEEDED: set(),
        },
    )

    checkout = models.ForeignKey(
        "orders.Checkout", on_delete=models.PROTECT, related_name="payments"
    )
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(_("provider"), max_length=20)
    provider_ref = models.CharField(_("provider reference"), max_length=100, null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.CREATED, db_index=True
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    # Money going back from this payment (pending and succeeded refunds). Kept by a PostgreSQL
    # trigger on orders_refund, not by Python (migration 0006): CHECK refunded <= amount.
    refunded = models.DecimalField(_("refunded"), default=Decimal("0.00"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    client_data = models.JSONField(_("client data"), default=dict, blank=True)
    redirect_url = models.CharField(max_length=500, blank=True)
    failure_reason = models.CharField(_("failure"), max_length=300, blank=True)
    orders = models.ManyToManyField(
        "orders.Order", through="orders.PaymentAllocation", related_name="payments"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    succeeded_at = models.DateTimeField(_("succeeded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_ref"], name="orders_payment_provider_ref_once"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="orders_payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(refunded__gte=0, refunded__lte=models.F("amount")),
                name="orders_payment_refunded_within_amount",
            ),
        ]

    def __str__(self):
        return f"{self.provider}:{self.provider_ref or self.pk}"


class PaymentAllocation(models.Model):
    """The part of a payment that pays one order (the order's total when it was made)."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), **MONEY)
    # The order's refunds from this payment (pending and succeeded), kept like Payment.refunded.
    refunded = models.DecimalField(_("refunded"), default=Decimal("0.00"), **MONEY)

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        constraints = [
            models.UniqueConstraint(fields=["payment", "order"], name="orders_allocation_once"),
            models.CheckConstraint(
                condition=models.Q(refunded__gte=0, refunded__lte=models.F("amount")),
                name="orders_allocation_refunded_within_amount",
            ),
        ]

    def __str__(self):
        return f"{self.payment_id} → {self.order_id}: {self.amount}"


class Refund(models.Model):
    """Money going back to the buyer for one order (a cancelled paid order, a late payment, some
    lines). Made only by `orders.services.refunds.create_refund`, which caps it at what is left;
    PostgreSQL refuses more than the payment's allocation to the order (migration 0006)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    class Reason(models.TextChoices):
        ORDER_CANCELLED = "order_cancelled", _("Order cancelled")
        LATE_PAYMENT = "late_payment", _("Paid after the order was cancelled")
        DUPLICATE_PAYMENT = "duplicate_payment", _("Paid twice")
        AFTERSALES = "aftersales", _("After-sales")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="refunds", null=True, blank=True
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    # One refund per (payment, order, reason) that has not failed: a retried job or a replayed
    # event cannot refund twice (the unique constraint below); a failed one may be tried again.
    provider_ref = models.CharField(_("provider reference"), max_length=100, blank=True)
    failure_reason = models.CharField(_("failure"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="orders_refund_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["payment", "order", "reason"],
                name="orders_refund_once_per_reason",
                condition=~models.Q(reason="aftersales") & ~models.Q(state="failed"),
            ),
        ]

    def __str__(self):
        return f"refund {self.pk}: {self.amount} {self.currency}"


class PaymentEvent(models.Model):
    """Every provider event we received, once (by provider and event id), with what it did."""

    class Outcome(models.TextChoices):
        RECEIVED = "received", _("Received")
        APPLIED = "applied", _("Applied")
        IGNORED = "ignored", _("Ignored (nothing to change)")
        UNKNOWN_PAYMENT = "unknown_payment", _("Unknown payment")
        MISMATCH = "mismatch", _("Does not match our payment")

    provider = models.CharField(_("provider"), max_length=20)
    event_id = models.CharField(_("event id"), max_length=100)
    type = models.CharField(_("type"), max_length=60)
    payment_ref = models.CharField(_("payment reference"), max_length=100, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.RECEIVED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    payment = models.ForeignKey(
        Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="orders_payment_event_once"
            )
        ]

    def __str__(self):
        return f"{self.provider}:{self.event_id} {self.type}"
