"""Models of the Logistics chapter: carriers, the shops' carrier choice, shipping templates,
shipments with their tracking events, and delivery alerts.

Fields, constraints and cheap properties only; the rules are in `logistics.services`, the fee
maths in `logistics.quote`. Destination provinces are region codes from `logistics.regions`.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote as url_quote

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from logistics.adapters import OFFLINE, adapter_choices, get_adapter_info
from logistics.quote import Basis, Rate, RuleSnapshot, TemplateSnapshot
from marketplace.core.states import StateMachine
from shops.scoping.models import ShopOwnedModel, ShopScopedQuerySet

TRACKING_NUMBER_PLACEHOLDER = "{number}"
ZERO = Decimal("0")
MONEY = {"max_digits": 12, "decimal_places": 2}
UNITS = {"max_digits": 9, "decimal_places": 3}
NON_NEGATIVE = [MinValueValidator(ZERO)]
POSITIVE_UNITS = [MinValueValidator(Decimal("0.001"))]


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


# --- Shipping templates (per shop) -------------------------------------------------------------
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


# --- Shipments and tracking (fulfilment) ---------------------------------------------------------
# A shipment is one parcel of an order, handed to a carrier with a tracking number. Logistics sits
# below orders (DESIGN §2): the order is named by its id and number, never by a foreign key, and
# the lines are snapshots of the order lines the parcel carries.
TRACKING_NUMBER_MAX = 40
SHIPMENT_STATES = [
    "shipped",
    "picked_up",
    "in_transit",
    "out_for_delivery",
    "delivered",
    "exception",
]


class ShipmentQuerySet(ShopScopedQuerySet):
    def for_buyer(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(buyer=user)

    def open(self):
        """Not delivered yet: the carrier still has it."""
        return self.exclude(state=Shipment.State.DELIVERED)

    def due_for_poll(self, now):
        return self.open().filter(next_poll_at__lte=now)


class Shipment(ShopOwnedModel):
    class State(models.TextChoices):
        SHIPPED = "shipped", _("Shipped, waiting for pickup")
        PICKED_UP = "picked_up", _("Picked up")
        IN_TRANSIT = "in_transit", _("In transit")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
        DELIVERED = "delivered", _("Delivered")
        EXCEPTION = "exception", _("Exception")

    _S = State
    state_machine = StateMachine(
        name="shipment",
        states=State,
        transitions={
            _S.SHIPPED: {
                _S.PICKED_UP,
                _S.IN_TRANSIT,
                _S.OUT_FOR_DELIVERY,
                _S.DELIVERED,
                _S.EXCEPTION,
            },
            _S.PICKED_UP: {_S.IN_TRANSIT, _S.OUT_FOR_DELIVERY, _S.DELIVERED, _S.EXCEPTION},
            _S.IN_TRANSIT: {_S.OUT_FOR_DELIVERY, _S.DELIVERED, _S.EXCEPTION},
            _S.OUT_FOR_DELIVERY: {_S.IN_TRANSIT, _S.DELIVERED, _S.EXCEPTION},
            _S.EXCEPTION: {_S.PICKED_UP, _S.IN_TRANSIT, _S.OUT_FOR_DELIVERY, _S.DELIVERED},
            _S.DELIVERED: set(),
        },
        shop_id_attr="shop_id",
    )
    # The order of the normal journey (an exception is off the scale).
    PROGRESS = (_S.SHIPPED, _S.PICKED_UP, _S.IN_TRANSIT, _S.OUT_FOR_DELIVERY, _S.DELIVERED)
    del _S

    order_id = models.BigIntegerField(_("order id"), db_index=True)
    order_number = models.CharField(_("order number"), max_length=20, db_index=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="parcels",
        verbose_name=_("buyer"),
    )
    carrier = models.ForeignKey(
        Carrier, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("carrier")
    )
    tracking_number = models.CharField(_("tracking number"), max_length=TRACKING_NUMBER_MAX)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SHIPPED, db_index=True
    )
    destination = models.CharField(_("destination province"), max_length=6, blank=True)
    ship_by = models.DateTimeField(_("promised to ship by"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"))
    picked_up_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last tracking update"))
    estimated_delivery = models.DateField(_("estimated delivery"))
    had_exception = models.BooleanField(_("had an exception"), default=False)
    cost = models.DecimalField(
        _("carrier cost"), **MONEY, null=True, blank=True, validators=NON_NEGATIVE
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    next_poll_at = models.DateTimeField(_("next tracking check"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shipped by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ShipmentQuerySet.as_manager()

    class Meta(ShopOwnedModel.Meta):
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-shipped_at", "-id"]
        constraints = [
            # A carrier's tracking number names one parcel, whichever shop shipped it.
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], name="logistics_shipment_tracking_unique"
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0),
                name="logistics_shipment_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(state__in=SHIPMENT_STATES), name="logistics_shipment_state_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "-shipped_at"], name="logistics_shipment_shop_recent"),
            models.Index(fields=["buyer", "-shipped_at"], name="logistics_shipment_buyer"),
            # The beat jobs: parcels to poll (or simulate), parcels that stopped moving.
            models.Index(
                fields=["next_poll_at"],
                name="logistics_shipment_to_poll",
                condition=~Q(state="delivered"),
            ),
            models.Index(
                fields=["last_event_at"],
                name="logistics_shipment_open_moves",
                condition=~Q(state="delivered"),
            ),
        ]

    def __str__(self):
        return f"{self.carrier_id}:{self.tracking_number}"

    @property
    def tracking_url(self) -> str:
        return self.carrier.tracking_url(self.tracking_number)

    @property
    def is_delivered(self) -> bool:
        return self.state == self.State.DELIVERED

    @property
    def shipped_late(self) -> bool:
        return self.ship_by is not None and self.shipped_at > self.ship_by

    @property
    def progress_step(self) -> int:
        """0..4 along the normal journey (an exception shows where the parcel was)."""
        if self.state in self.PROGRESS:
            return self.PROGRESS.index(self.state)
        return 2 if self.picked_up_at else 1

    @property
    def destination_name(self) -> str:
        from logistics.regions import region_name

        return region_name(self.destination) if self.destination else ""


class ShipmentLine(ShopOwnedModel):
    """What a parcel carries: units of one order line (snapshot of the line's SKU and title)."""

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("shipment")
    )
    order_line_id = models.BigIntegerField(_("order line id"))
    sku_code = models.CharField(_("SKU code"), max_length=64)
    title = models.CharField(_("product"), max_length=120)
    options = models.CharField(_("options"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta(ShopOwnedModel.Meta):
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "order_line_id"], name="logistics_shipmentline_unique"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="logistics_shipmentline_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.sku_code} × {self.quantity}"


class TrackingEvent(ShopOwnedModel):
    """One scan or status report of a parcel, from the carrier (webhook or poll), the simulated
    carrier, or the seller's hand-over. `external_id` makes a replayed report a no-op."""

    class Source(models.TextChoices):
        SELLER = "seller", _("Seller")
        WEBHOOK = "webhook", _("Carrier (webhook)")
        POLL = "poll", _("Carrier (poll)")
        SIMULATOR = "simulator", _("Simulated carrier")

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="events", verbose_name=_("shipment")
    )
    status = models.CharField(_("status"), max_length=20, choices=Shipment.State.choices)
    occurred_at = models.DateTimeField(_("happened at"))
    region = models.CharField(_("province"), max_length=6, blank=True)
    location = models.CharField(_("place"), max_length=120, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    external_id = models.CharField(_("carrier's event id"), max_length=100)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta(ShopOwnedModel.Meta):
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["shipment_id", "-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "external_id"], name="logistics_trackingevent_once"
            ),
        ]
        indexes = [
            models.Index(fields=["shipment", "-occurred_at"], name="logistics_tracking_timeline")
        ]

    def __str__(self):
        return f"{self.get_status_display()} @ {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def place(self) -> str:
        """Where it happened, in the reader's language when the carrier named a province."""
        from logistics.regions import region_name

        parts = [region_name(self.region) if self.region else "", self.location]
        return " · ".join(part for part in parts if part)


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
