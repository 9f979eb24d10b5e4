"""The money side of orders: commission frozen at payment, each shop's append-only ledger, Stripe
transfers (and their reversals), payouts and settlement statements.

The ledger is what the platform owes each shop, one signed row per movement:

    sale        + what the buyer paid for the shop's order (its share of the payment)
    commission  − the platform's commission on the goods (+ when a refund gives part of it back)
    refund      − money given back to the buyer for the order
    adjustment  ± anything else, with a memo (a platform-funded discount the platform pays the
                  shop, a correction by platform staff)
    payout      − money sent to the shop (a Stripe transfer, a bank payout); + when it came back
                  (a transfer reversal, a returned payout)

Rows are never changed or deleted (a PostgreSQL trigger refuses it, see migration 0004): a mistake
is corrected by another row. The one field that is filled in later is `available_at`: an order's
rows are *pending* (NULL) until the order completes (the return window ended), then available
from that moment. Balances are sums in SQL (`orders.finance.services.ledger.balances`).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.states import StateMachine
from shops.scoping.models import ShopOwnedModel, ShopScopedQuerySet

MONEY = {"max_digits": 12, "decimal_places": 2}

__all__ = [
    "LedgerEntry",
    "OrderCommission",
    "Payout",
    "RefundLine",
    "ShopTransfer",
    "Statement",
    "TransferReversal",
]


def _shop_fk(related_name: str = "+"):
    return models.ForeignKey(
        "shops.Shop",
        on_delete=models.PROTECT,
        db_index=True,
        related_name=related_name,
        verbose_name=_("shop"),
    )


class OrderCommission(ShopOwnedModel):
    """The commission of one paid order, frozen when its payment succeeded.

    `lines` keeps how it was computed, per order line: the goods value the rate applies to
    (`base`: the line's total after discounts plus the part of the discounts the platform funds),
    the rate (the category's, never below the shop type's), and the line's share of the commission
    (`commission`; the shares add up to `amount` exactly). `net` is what the shop is owed for the
    order: the sale plus the platform-funded discount minus the commission.
    """

    shop = _shop_fk()
    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.PROTECT,
        related_name="commission",
        verbose_name=_("order"),
    )
    payment = models.ForeignKey(
        "orders.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    currency = models.CharField(_("currency"), max_length=3)
    sale = models.DecimalField(_("sale"), **MONEY)
    goods_value = models.DecimalField(_("goods value"), **MONEY)
    platform_discount = models.DecimalField(_("discount funded by the platform"), **MONEY)
    amount = models.DecimalField(_("commission"), **MONEY)
    minimum = models.DecimalField(_("minimum commission"), **MONEY)
    minimum_applied = models.BooleanField(_("minimum applied"), default=False)
    net = models.DecimalField(_("owed to the shop"), **MONEY)
    lines = models.JSONField(_("per line"), default=list)
    frozen_at = models.DateTimeField(_("frozen at"), default=timezone.now)

    class Meta:
        verbose_name = _("order commission")
        verbose_name_plural = _("order commissions")
        ordering = ["-frozen_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0, amount__lte=models.F("goods_value")),
                name="orders_commission_within_goods",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    net=models.F("sale") + models.F("platform_discount") - models.F("amount")
                ),
                name="orders_commission_net_adds_up",
            ),
        ]

    def __str__(self):
        return f"{self.order_id}: {self.amount} {self.currency}"


class RefundLine(ShopOwnedModel):
    """Which order lines a (partial) refund pays back, and how much of each: the ledger gives
    back exactly those lines' commission, and the transfer reversal takes back their net."""

    shop = _shop_fk()
    refund = models.ForeignKey(
        "orders.Refund", on_delete=models.CASCADE, related_name="lines", verbose_name=_("refund")
    )
    line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.PROTECT, related_name="+", verbose_name=_("line")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("refunded line")
        verbose_name_plural = _("refunded lines")
        constraints = [
            models.UniqueConstraint(fields=["refund", "line"], name="orders_refundline_once"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, amount__gt=0),
                name="orders_refundline_positive",
            ),
        ]

    def __str__(self):
        return f"{self.refund_id}/{self.line_id}: {self.amount}"


class ShopTransfer(ShopOwnedModel):
    """Stripe's "separate charges and transfers": after the checkout's payment succeeded, one
    transfer per shop order (its net) to the shop's connected account, in the checkout's transfer
    group. A shop without a connected account has its transfer *held* (listed in its finance page
    and the reconciliation report) until it connects one."""

    class State(models.TextChoices):
        PENDING = "pending", _("To send")
        HELD = "held", _("Held: no Stripe account connected")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    state_machine = StateMachine(
        name="shop_transfer",
        states=State,
        transitions={
            State.PENDING: {State.HELD, State.SENDING, State.CANCELLED},
            State.HELD: {State.PENDING, State.SENDING, State.CANCELLED},
            State.SENDING: {State.SENT, State.FAILED},
            State.FAILED: {State.PENDING, State.HELD, State.SENDING, State.CANCELLED},
            State.SENT: set(),
            State.CANCELLED: set(),
        },
        shop_id_attr="shop_id",
    )

    shop = _shop_fk("transfers")
    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="transfer", verbose_name=_("order")
    )
    payment = models.ForeignKey("orders.Payment", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    amount = models.DecimalField(_("amount owed"), **MONEY)
    amount_sent = models.DecimalField(_("amount sent"), null=True, blank=True, **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    transfer_group = models.CharField(_("transfer group"), max_length=100)
    destination = models.CharField(_("connected account"), max_length=64, blank=True)
    provider_ref = models.CharField(_("Stripe transfer"), max_length=100, blank=True)
    failure_reason = models.CharField(_("failure"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("transfer to a shop")
        verbose_name_plural = _("transfers to shops")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="orders_transfer_amount_not_negative"
            )
        ]
        indexes = [
            models.Index(
                fields=["shop", "state"],
                name="orders_transfer_waiting",
                condition=models.Q(state__in=["pending", "held", "failed"]),
            )
        ]

    def __str__(self):
        return self.provider_ref or f"transfer {self.pk}"


class TransferReversal(ShopOwnedModel):
    """Taking back (part of) a sent transfer because the buyer was refunded; one per refund. A
    transfer that was never sent needs no call to Stripe: the reversal only lowers what is sent."""

    class State(models.TextChoices):
        PENDING = "pending", _("To send")
        SENT = "sent", _("Reversed")
        FAILED = "failed", _("Failed")
        NOT_SENT = "not_sent", _("Deducted before sending")

    shop = _shop_fk()
    transfer = models.ForeignKey(ShopTransfer, on_delete=models.PROTECT, related_name="reversals")
    refund = models.ForeignKey("orders.Refund", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), **MONEY)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    provider_ref = models.CharField(_("Stripe reversal"), max_length=100, blank=True)
    failure_reason = models.CharField(_("failure"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("transfer reversal")
        verbose_name_plural = _("transfer reversals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["transfer", "refund"], name="orders_reversal_once"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="orders_reversal_amount_positive"
            ),
        ]

    def __str__(self):
        return self.provider_ref or f"reversal {self.pk}"


class Payout(ShopOwnedModel):
    """Money paid out to a shop outside Stripe (a bank transfer by the platform's finance staff),
    recorded with a payout ledger row; a payout the bank returned puts the money back."""

    class State(models.TextChoices):
        PAID = "paid", _("Paid")
        RETURNED = "returned", _("Returned by the bank")

    state_machine = StateMachine(
        name="payout",
        states=State,
        transitions={State.PAID: {State.RETURNED}, State.RETURNED: set()},
        shop_id_attr="shop_id",
    )

    shop = _shop_fk("payouts")
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    reference = models.CharField(_("bank reference"), max_length=100)
    note = models.CharField(_("note"), max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PAID, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="orders_payout_amount_positive"
            ),
            models.UniqueConstraint(fields=["shop", "reference"], name="orders_payout_ref_once"),
        ]

    def __str__(self):
        return f"{self.reference}: {self.amount} {self.currency}"


class LedgerEntryQuerySet(ShopScopedQuerySet):
    def pending(self, *, now=None):
        now = now or timezone.now()
        return self.filter(models.Q(available_at__isnull=True) | models.Q(available_at__gt=now))

    def available(self, *, now=None):
        return self.filter(available_at__lte=now or timezone.now())


class LedgerEntry(ShopOwnedModel):
    """One movement of a shop's money (see the module docstring). Append-only."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Sale")
        COMMISSION = "commission", _("Commission")
        REFUND = "refund", _("Refund")
        ADJUSTMENT = "adjustment", _("Adjustment")
        PAYOUT = "payout", _("Payout")

    shop = _shop_fk("ledger_entries")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("order"),
    )
    order_number = models.CharField(_("order number"), max_length=20, blank=True)
    payment = models.ForeignKey(
        "orders.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refund = models.ForeignKey(
        "orders.Refund", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    transfer = models.ForeignKey(
        ShopTransfer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payout = models.ForeignKey(
        Payout, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What wrote the row, e.g. "order:12:sale", "refund:3:commission", "transfer:5":
    # unique per shop, so posting the same thing twice writes one row.
    source = models.CharField(_("source"), max_length=80)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    available_at = models.DateTimeField(_("available from"), null=True, blank=True)
    created_at = models.DateTimeField(_("booked at"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "source"], name="orders_ledger_source_once"),
            models.CheckConstraint(
                condition=~models.Q(amount=0), name="orders_ledger_amount_not_zero"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="sale", amount__gt=0)
                    | models.Q(kind="refund", amount__lt=0)
                    | models.Q(kind__in=["commission", "adjustment", "payout"])
                ),
                name="orders_ledger_sign_fits_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "-created_at", "-id"], name="orders_ledger_shop_recent"),
            models.Index(fields=["shop", "kind", "-created_at"], name="orders_ledger_shop_kind"),
            models.Index(
                fields=["shop"],
                name="orders_ledger_pending",
                condition=models.Q(available_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.currency}"

    def save(self, *args, **kwargs):
        if not self._state.adding and not kwargs.get("update_fields") == ["available_at"]:
            raise ValueError("Ledger entries are append-only.")
        super().save(*args, **kwargs)

    @property
    def is_pending(self) -> bool:
        return self.available_at is None or self.available_at > timezone.now()


class Statement(ShopOwnedModel):
    """A shop's settlement statement for one period [period_start, period_end) and currency:
    the balance at the start, the period's movements by kind, the balance at the end. Generated
    once (Celery beat) from the ledger and never changed; its rows are the period's entries."""

    shop = _shop_fk("statements")
    currency = models.CharField(_("currency"), max_length=3)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until (exclusive)"))
    opening_balance = models.DecimalField(_("opening balance"), **MONEY)
    sales = models.DecimalField(_("sales"), **MONEY)
    commissions = models.DecimalField(_("commission"), **MONEY)
    refunds = models.DecimalField(_("refunds"), **MONEY)
    adjustments = models.DecimalField(_("adjustments"), **MONEY)
    payouts = models.DecimalField(_("payouts"), **MONEY)
    closing_balance = models.DecimalField(_("closing balance"), **MONEY)
    available_at_close = models.DecimalField(_("available at the end"), **MONEY)
    pending_at_close = models.DecimalField(_("pending at the end"), **MONEY)
    entry_count = models.PositiveIntegerField(_("entries"))
    generated_at = models.DateTimeField(_("generated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("settlement statement")
        verbose_name_plural = _("settlement statements")
        ordering = ["-period_start", "currency", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "currency", "period_start", "period_end"],
                name="orders_statement_once_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="orders_statement_period_forward",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    closing_balance=models.F("opening_balance")
                    + models.F("sales")
                    + models.F("commissions")
                    + models.F("refunds")
                    + models.F("adjustments")
                    + models.F("payouts")
                ),
                name="orders_statement_adds_up",
            ),
        ]

    def __str__(self):
        return f"{self.shop_id} {self.period_start}–{self.last_day} {self.currency}"

    @property
    def last_day(self):
        """The period's last day (its end is exclusive)."""
        return self.period_end - timedelta(days=1)
