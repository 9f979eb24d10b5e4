"""Delivery SLA monitoring (SPEC §4.5): missed promises raise an alert for the seller (seller
center and e-mail, through `marketplace.core.notifications.notify`) and a notice to the buyer.

    alert_stalled_parcels()    # beat: parcels without a tracking update for
                               #       LOGISTICS_TRACKING_STALL_HOURS
    tell_about_exception(s)    # a carrier reported a delivery exception
    record_late_shipment(...)  # the orders chapter's late-shipment check records its alert here
    tell_shop(shop_id, ...)    # the shop's members who handle shipping

Each missed promise is alerted once (`SlaAlert`, unique per order, or per parcel and stall), so
the beat jobs are idempotent. When an order must ship is the orders chapter's rule
(`orders.fulfilment.selectors.ship_by`); its beat job `orders.fulfilment.tasks.check_delivery_slas`
runs both checks. Links in the alerts name the seller center's pages by URL name only.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from logistics.models import Shipment, SlaAlert
from marketplace.core.notifications import notify
from shops import roles
from shops.models import Membership


def stall_after() -> timedelta:
    return timedelta(hours=int(getattr(settings, "LOGISTICS_TRACKING_STALL_HOURS", 72)))


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def tell_shop(shop_id: int, *, title, body="", link: str = "") -> int:
    """Notify the shop's members who handle shipping (in-app and e-mail); returns how many."""
    told = 0
    members = Membership.objects.filter(shop_id=shop_id).select_related("user").order_by("pk")
    for membership in members:
        if roles.can_use(membership.role, roles.SHIPPING):
            notify(membership.user, title=title, body=body, link=link, shop_id=shop_id)
            told += 1
    return told


def _seller_link(order_number: str) -> str:
    return reverse("seller:orders-ship-order", args=[order_number])


def _parcel_link(shipment: Shipment) -> str:
    return reverse("logistics-parcel", args=[shipment.pk])


# --- Late shipments (raised by the orders chapter, which knows when an order must ship) ---------
def record_late_shipment(*, shop_id: int, order_id: int, order_number: str, since: datetime):
    """The `SlaAlert` for an order not shipped by `since`, or None when it was alerted already
    (once per order: a unique constraint, so concurrent runs cannot both alert). The caller tells
    the seller and the buyer in the same transaction."""
    try:
        with transaction.atomic():
            return SlaAlert.objects.create(
                shop_id=shop_id,
                kind=SlaAlert.Kind.LATE_SHIPMENT,
                order_id=order_id,
                order_number=order_number,
                since=since,
            )
    except IntegrityError:  # another run alerted it meanwhile
        return None


# --- Parcels that stopped moving ------------------------------------------------------------------
def alert_stalled_parcels(*, now: datetime | None = None, limit: int = 500) -> int:
    """Alert the shops of parcels without a tracking update for too long (once per stall), and
    tell their buyers. Returns how many parcels were alerted (now)."""
    now = now or timezone.now()
    stalled = list(
        Shipment.objects.open()
        .filter(last_event_at__lt=now - stall_after())
        .exclude(
            Exists(
                SlaAlert.objects.filter(
                    kind=SlaAlert.Kind.STALLED_TRACKING,
                    shipment=OuterRef("pk"),
                    since=OuterRef("last_event_at"),
                )
            )
        )
        .select_related("carrier", "buyer")
        .order_by("last_event_at", "pk")[:limit]
    )
    alerted = 0
    for shipment in stalled:
        try:
            with transaction.atomic():
                SlaAlert.objects.create(
                    shop_id=shipment.shop_id,
                    kind=SlaAlert.Kind.STALLED_TRACKING,
                    order_id=shipment.order_id,
                    order_number=shipment.order_number,
                    shipment=shipment,
                    since=shipment.last_event_at,
                )
                _tell_stalled(shipment)
        except IntegrityError:
            continue
        alerted += 1
    return alerted


def _tell_stalled(shipment: Shipment) -> None:
    hours = int(stall_after().total_seconds() // 3600)
    carrier = shipment.carrier
    tell_shop(
        shipment.shop_id,
        title=lambda: (
            _("Parcel %(number)s of order %(order)s has not moved for %(hours)d hours")
            % {"number": shipment.tracking_number, "order": shipment.order_number, "hours": hours}
        ),
        body=lambda: (
            _("Last update %(time)s. Ask %(carrier)s where it is; the buyer has been told.")
            % {"time": _when(shipment.last_event_at), "carrier": carrier.name}
        ),
        link=_seller_link(shipment.order_number),
    )
    notify(
        shipment.buyer,
        title=lambda: (
            _("Your parcel for order %(order)s is delayed") % {"order": shipment.order_number}
        ),
        body=lambda: (
            _(
                "%(carrier)s has not updated its tracking since %(time)s. We have asked the shop "
                "to check with the carrier."
            )
            % {"carrier": carrier.name, "time": _when(shipment.last_event_at)}
        ),
        link=_parcel_link(shipment),
    )


# --- Exceptions reported by the carrier -----------------------------------------------------------
def tell_about_exception(shipment: Shipment) -> None:
    """The carrier reported a problem (failed delivery, damage, address): seller and buyer."""
    tell_shop(
        shipment.shop_id,
        title=lambda: (
            _("Delivery exception on parcel %(number)s (order %(order)s)")
            % {"number": shipment.tracking_number, "order": shipment.order_number}
        ),
        body=lambda: _("Check the tracking and contact the carrier and the buyer if needed."),
        link=_seller_link(shipment.order_number),
    )
    notify(
        shipment.buyer,
        title=lambda: (
            _("A problem with the delivery of order %(order)s") % {"order": shipment.order_number}
        ),
        body=lambda: _("The carrier reported a delivery exception. The shop has been told."),
        link=_parcel_link(shipment),
    )
