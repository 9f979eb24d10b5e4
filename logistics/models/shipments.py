"""Shipments and their tracking: one parcel of an order handed to a carrier, what it carries,
and every scan or status report the carrier sends."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from logistics.models.carriers import Carrier
from logistics.models.fields import MONEY, NON_NEGATIVE
from marketplace.core.states import StateMachine
from shops.scoping.models import ShopOwnedModel, ShopScopedQuerySet

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
