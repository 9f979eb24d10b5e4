"""Checkouts, orders and order lines.

One checkout (the buyer's submit, idempotent by its `token`) creates one `Order` per shop, in one
transaction, with stock reserved for each. Every amount is a snapshot taken from the price engine
at placement and never recomputed from the live catalogue; the fields the ledger needs (per-line
prices and discounts by funder, shipping, the category's commission rate, the shop's type and
rate) are frozen on the order when it is paid.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.states import StateMachine
from shops.scoping.models import ShopOwnedModel, ShopScopedQuerySet

MONEY = {"max_digits": 12, "decimal_places": 2}
RATE = {"max_digits": 5, "decimal_places": 2}


def processing_minutes() -> int:
    return int(getattr(settings, "ORDERS_PROCESSING_MINUTES", 30))


class AddressSnapshot(models.Model):
    """Where the goods go, copied from the buyer's address book at checkout."""

    recipient = models.CharField(_("recipient"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20)
    province = models.CharField(_("province"), max_length=40)
    province_code = models.CharField(_("province code"), max_length=6, blank=True)
    city = models.CharField(_("city"), max_length=40)
    district = models.CharField(_("district"), max_length=40, blank=True)
    detail = models.CharField(_("street address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=12, blank=True)

    ADDRESS_FIELDS = ("recipient", "phone", "province", "city", "district", "detail", "postcode")

    class Meta:
        abstract = True

    def address_line(self) -> str:
        parts = [self.province, self.city, self.district, self.detail]
        return " ".join(part for part in parts if part)


class InvoiceType(models.TextChoices):
    NONE = "", _("No invoice")
    PERSONAL = "personal", _("Personal")
    COMPANY = "company", _("Company")


class Checkout(AddressSnapshot):
    """One submit of the buyer's cart: the orders it created and the payment(s) for them."""

    token = models.UUIDField(_("checkout token"), unique=True, default=uuid.uuid4, editable=False)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="checkouts",
        verbose_name=_("buyer"),
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    subtotal = models.DecimalField(_("subtotal"), **MONEY)
    discount_total = models.DecimalField(_("discounts"), **MONEY)
    shipping_total = models.DecimalField(_("shipping"), **MONEY)
    grand_total = models.DecimalField(_("total"), **MONEY)
    invoice_type = models.CharField(
        _("invoice"), max_length=10, choices=InvoiceType.choices, blank=True
    )
    invoice_title = models.CharField(_("invoice title"), max_length=120, blank=True)
    invoice_tax_number = models.CharField(_("tax number"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("placed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("checkout")
        verbose_name_plural = _("checkouts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grand_total__gte=0), name="orders_checkout_total_not_negative"
            )
        ]

    def __str__(self):
        return str(self.token)


class OrderQuerySet(ShopScopedQuerySet):
    def for_buyer(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(buyer=user)

    def awaiting_payment(self):
        return self.filter(state=Order.State.PENDING_PAYMENT)

    def payment_overdue(self, *, now=None):
        return self.awaiting_payment().filter(payment_due_at__lte=now or timezone.now())

    def awaiting_response(self):
        """Paid, not yet accepted or shipped: the seller's processing clock runs."""
        return self.filter(state=Order.State.PAID)

    def overdue(self, *, now=None):
        return self.awaiting_response().filter(respond_by__lt=now or timezone.now())

    def with_exception(self):
        return self.exclude(exception="")

    def due_for_completion(self, *, now=None):
        return self.filter(state=Order.State.DELIVERED, complete_after__lte=now or timezone.now())


class Order(ShopOwnedModel, AddressSnapshot):
    class State(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Pending payment")
        PAID = "paid", _("Paid")
        ACCEPTED = "accepted", _("Accepted")
        PARTLY_SHIPPED = "partly_shipped", _("Partly shipped")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class CancelledBy(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        SELLER = "seller", _("Seller")
        SYSTEM = "system", _("Not paid in time")
        PLATFORM = "platform", _("Platform")

    class Problem(models.TextChoices):
        NONE = "", _("None")
        STOCK_SHORT = "stock_short", _("Stock short")
        ADDRESS_PROBLEM = "address_problem", _("Address problem")
        PAYMENT_PROBLEM = "payment_problem", _("Payment problem")

    state_machine = StateMachine(
        name="order",
        states=State,
        transitions={
            State.PENDING_PAYMENT: {State.PAID, State.CANCELLED},
            State.PAID: {State.ACCEPTED, State.PARTLY_SHIPPED, State.SHIPPED, State.CANCELLED},
            State.ACCEPTED: {State.PARTLY_SHIPPED, State.SHIPPED, State.CANCELLED},
            State.PARTLY_SHIPPED: {State.SHIPPED},
            State.SHIPPED: {State.DELIVERED},
            State.DELIVERED: {State.COMPLETED},
            State.COMPLETED: set(),
            State.CANCELLED: set(),
        },
        shop_id_attr="shop_id",
    )
    BUYER_CANCELLABLE = (State.PENDING_PAYMENT, State.PAID, State.ACCEPTED)
    SELLER_CANCELLABLE = (State.PENDING_PAYMENT, State.PAID, State.ACCEPTED)
    OPEN_STATES = (State.PENDING_PAYMENT, State.PAID, State.ACCEPTED, State.PARTLY_SHIPPED)

    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.PROTECT,
        db_index=True,
        related_name="orders",
        verbose_name=_("shop"),
    )
    number = models.CharField(_("order number"), max_length=20, unique=True)
    checkout = models.ForeignKey(
        Checkout, on_delete=models.PROTECT, related_name="orders", verbose_name=_("checkout")
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("buyer"),
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=State.choices,
        default=State.PENDING_PAYMENT,
        db_index=True,
    )

    # Amounts (snapshots from the price engine at placement)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    subtotal = models.DecimalField(_("subtotal"), **MONEY)
    discount_total = models.DecimalField(_("discounts"), **MONEY)
    discount_shop = models.DecimalField(_("discounts funded by the shop"), **MONEY)
    discount_platform = models.DecimalField(_("discounts funded by the platform"), **MONEY)
    merchandise_total = models.DecimalField(_("goods"), **MONEY)
    shipping = models.DecimalField(_("shipping"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    discounts = models.JSONField(_("discounts applied"), default=list, blank=True)
    shipping_explanation = models.JSONField(default=list, blank=True)

    # Delivery and the buyer's choices for this shop
    carrier_code = models.CharField(_("carrier"), max_length=40, blank=True)
    carrier_name = models.CharField(_("carrier name"), max_length=80, blank=True)
    insured = models.BooleanField(_("shipping insured"), default=False)
    note = models.CharField(_("note to the seller"), max_length=300, blank=True)
    invoice_type = models.CharField(
        _("invoice"), max_length=10, choices=InvoiceType.choices, blank=True
    )
    invoice_title = models.CharField(_("invoice title"), max_length=120, blank=True)
    invoice_tax_number = models.CharField(_("tax number"), max_length=20, blank=True)

    # Frozen at payment for the ledger (commission per category is on the lines)
    shop_type = models.CharField(_("shop type"), max_length=20, blank=True)
    shop_commission_rate = models.DecimalField(
        _("shop's commission rate (%)"), null=True, blank=True, **RATE
    )

    # Clocks
    payment_due_at = models.DateTimeField(_("pay by"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    complete_after = models.DateTimeField(_("return window ends"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.CharField(
        _("cancelled by"), max_length=10, choices=CancelledBy.choices, blank=True
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    # Exceptions a seller must resolve
    exception = models.CharField(
        _("exception"), max_length=20, choices=Problem.choices, blank=True, db_index=True
    )
    exception_note = models.CharField(_("exception note"), max_length=300, blank=True)
    exception_due_at = models.DateTimeField(_("resolve by"), null=True, blank=True)

    created_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__gte=0, shipping__gte=0, merchandise_total__gte=0),
                name="orders_order_amounts_not_negative",
            ),
            models.UniqueConstraint(
                fields=["checkout", "shop"], name="orders_order_one_per_shop_per_checkout"
            ),
        ]
        indexes = [
            # The seller's order desk: a shop's orders by state, newest first.
            models.Index(fields=["shop", "state", "-created_at"], name="orders_order_desk"),
            models.Index(fields=["shop", "-created_at"], name="orders_order_shop_recent"),
            models.Index(fields=["buyer", "-created_at"], name="orders_order_buyer"),
            # The beat jobs: unpaid orders by deadline, delivered orders by return window.
            models.Index(
                fields=["payment_due_at"],
                name="orders_order_unpaid_due",
                condition=models.Q(state="pending_payment"),
            ),
            models.Index(
                fields=["complete_after"],
                name="orders_order_to_complete",
                condition=models.Q(state="delivered"),
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("order-detail", args=[self.number])

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None

    @property
    def is_overdue(self) -> bool:
        """Paid but not answered within the processing time (the seller's clock)."""
        return (
            self.state == self.State.PAID
            and self.respond_by is not None
            and timezone.now() > self.respond_by
        )

    @property
    def minutes_to_respond(self) -> int | None:
        if self.state != self.State.PAID or self.respond_by is None:
            return None
        return int((self.respond_by - timezone.now()) / timedelta(minutes=1))

    @property
    def can_buyer_cancel(self) -> bool:
        return self.state in self.BUYER_CANCELLABLE

    @property
    def can_seller_cancel(self) -> bool:
        return self.state in self.SELLER_CANCELLABLE

    @property
    def is_open(self) -> bool:
        """Not yet fully shipped, nor cancelled: a problem can still be flagged on it."""
        return self.state in self.OPEN_STATES

    @property
    def awaiting_payment(self) -> bool:
        return self.state == self.State.PENDING_PAYMENT


class OrderLine(ShopOwnedModel):
    """A SKU of an order with its price snapshot. `discounts` lists each discount's stage, source,
    funder and amount as the price engine allocated it to this line."""

    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.PROTECT,
        db_index=True,
        related_name="+",
        verbose_name=_("shop"),
    )
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    sku = models.ForeignKey(
        "catalog.Sku", on_delete=models.PROTECT, related_name="+", verbose_name=_("SKU")
    )
    product_id_snapshot = models.BigIntegerField(_("product id"))
    category_id_snapshot = models.BigIntegerField(_("category id"))
    title = models.CharField(_("product"), max_length=120)
    sku_code = models.CharField(_("SKU code"), max_length=64)
    options = models.CharField(_("options"), max_length=200, blank=True)
    image = models.CharField(max_length=255, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    quantity_shipped = models.PositiveIntegerField(_("shipped"), default=0)
    list_price = models.DecimalField(_("unit price"), **MONEY)
    unit_price = models.DecimalField(_("unit price after item discount"), **MONEY)
    subtotal = models.DecimalField(_("subtotal"), **MONEY)
    discount_total = models.DecimalField(_("discounts"), **MONEY)
    discount_shop = models.DecimalField(_("discounts funded by the shop"), **MONEY)
    discount_platform = models.DecimalField(_("discounts funded by the platform"), **MONEY)
    line_total = models.DecimalField(_("line total"), **MONEY)
    discounts = models.JSONField(default=list, blank=True)
    explanation = models.JSONField(default=list, blank=True)
    weight_kg = models.DecimalField(max_digits=8, decimal_places=3, default=0)
    # Frozen at payment: the category's commission rate (percent) at that moment.
    commission_rate = models.DecimalField(_("commission rate (%)"), null=True, blank=True, **RATE)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="orders_orderline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_shipped__lte=models.F("quantity")),
                name="orders_orderline_shipped_at_most_bought",
            ),
            models.CheckConstraint(
                condition=models.Q(line_total__gte=0), name="orders_orderline_total_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.sku_code} × {self.quantity}"

    @property
    def quantity_to_ship(self) -> int:
        return self.quantity - self.quantity_shipped
