"""Shipments and their tracking: the parcel handed to a carrier, and what the carrier says next.

    create_shipment(shop=, actor=, order_id=, order_number=, buyer_id=, carrier_id=,
                    tracking_number=, lines=[ParcelLine(...)], destination="330000", ship_by=...)
    record_tracking(shipment_id, updates=[TrackingUpdate(...)], source=TrackingEvent.Source.WEBHOOK)
    receive_tracking_webhook("offline", body, headers)      # the signed carrier webhook
    poll_due_shipments()                                    # beat: poll carriers, run the simulator

`create_shipment` is called by the orders chapter's `ship_order` (orders/fulfilment/services.py)
inside the transaction that also moves the order to shipped: logistics never changes an order.
When a parcel is delivered, `logistics.events.parcel_delivered` tells orders (after commit).
Every report is recorded once (`TrackingEvent.external_id`), so replays and doubled beat runs
change nothing; a shipment's state moves through `marketplace.core.states.transition`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance import audit
from logistics import events
from logistics.adapters import (
    ADAPTERS,
    TrackingUpdate,
    get_adapter,
)
from logistics.errors import ErrorCode, LogisticsError, ParcelNotFound
from logistics.models import Shipment, ShipmentLine, ShopCarrier, TrackingEvent
from logistics.regions import get_region, is_region_code
from marketplace.core.money import quantize
from marketplace.core.states import transition

State = Shipment.State
Source = TrackingEvent.Source
TRACKING_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]{5,39}$")


@dataclass(frozen=True)
class ParcelLine:
    """Units of one order line in a parcel (a snapshot of the line)."""

    order_line_id: int
    sku_code: str
    title: str
    quantity: int
    options: str = ""


@dataclass(frozen=True)
class TrackingResult:
    shipment: Shipment
    recorded: int
    duplicates: int
    delivered_now: bool = False


# --- Promises -------------------------------------------------------------------------------------
def ship_within() -> timedelta:
    """How long after payment a shop promises to ship (`LOGISTICS_SHIP_WITHIN_HOURS`, 48)."""
    return timedelta(hours=int(getattr(settings, "LOGISTICS_SHIP_WITHIN_HOURS", 48)))


def transit_days(province: str) -> int:
    """Days on the road to `province`: `LOGISTICS_TRANSIT_DAYS` (3), remote regions
    `LOGISTICS_REMOTE_TRANSIT_DAYS` (6)."""
    region = get_region(province) if province and is_region_code(province) else None
    if region is not None and region.remote:
        return int(getattr(settings, "LOGISTICS_REMOTE_TRANSIT_DAYS", 6))
    return int(getattr(settings, "LOGISTICS_TRANSIT_DAYS", 3))


def estimate_delivery(shipped_at: datetime, province: str) -> date:
    """The date the buyer can expect the parcel (in the platform's time zone)."""
    return timezone.localdate(shipped_at) + timedelta(days=transit_days(province))


def estimate_for_unshipped(ship_by: datetime | None, province: str, *, now=None) -> date | None:
    """Before shipping: the delivery date a buyer can expect if the parcel leaves by `ship_by`
    (the orders chapter's deadline), counted from now once that has passed."""
    if ship_by is None:
        return None
    now = now or timezone.now()
    return estimate_delivery(max(ship_by, now), province)


def normalise_tracking_number(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def check_tracking_number(value: str) -> str:
    number = normalise_tracking_number(value)
    if not TRACKING_NUMBER.match(number):
        raise LogisticsError(
            _("A tracking number has 6 to 40 letters, digits or dashes."),
            code=ErrorCode.INVALID_TRACKING_NUMBER,
            field="tracking_number",
        )
    return number


def _duplicate(number: str, existing: Shipment | None, shop) -> LogisticsError:
    if existing is not None and existing.shop_id == shop.pk:
        message = _("Tracking number %(number)s is already used for order %(order)s.") % {
            "number": number,
            "order": existing.order_number,
        }
    else:  # another shop's parcel: say no more than that it is taken
        message = _("Tracking number %(number)s is already used by another shipment.") % {
            "number": number
        }
    return LogisticsError(
        message, code=ErrorCode.DUPLICATE_TRACKING_NUMBER, field="tracking_number"
    )


def shop_carrier(shop, carrier_id) -> ShopCarrier:
    """One of the shop's active carriers, else a refusal naming the field."""
    try:
        carrier_id = int(carrier_id)
    except (TypeError, ValueError):
        carrier_id = None
    link = (
        ShopCarrier.objects.for_shop(shop)
        .filter(carrier_id=carrier_id, carrier__is_active=True)
        .select_related("carrier")
        .first()
        if carrier_id
        else None
    )
    if link is None:
        raise LogisticsError(
            _("Choose one of your carriers (Shipping › Your carriers)."),
            code=ErrorCode.INVALID_CARRIER,
            field="carrier",
        )
    return link


# --- Shipping ---------------------------------------------------------------------------------
@transaction.atomic
def create_shipment(
    *,
    shop,
    actor,
    order_id: int,
    order_number: str,
    buyer_id: int,
    carrier_id: int,
    tracking_number: str,
    lines: Sequence[ParcelLine],
    destination: str = "",
    ship_by: datetime | None = None,
    cost: Decimal | None = None,
    currency: str = "CNY",
    now: datetime | None = None,
    request=None,
) -> Shipment:
    """Record a parcel of the order handed to one of the shop's carriers.

    Refuses (nothing written) a carrier the shop does not use, a malformed tracking number, one
    already used with that carrier (by this shop or another), an empty parcel or a negative cost.
    The caller (orders' `ship_order`) checks the order's state and the quantities left to ship.
    """
    now = now or timezone.now()
    carrier = shop_carrier(shop, carrier_id).carrier
    number = check_tracking_number(tracking_number)
    parcel_lines = [line for line in lines if line.quantity]
    if not parcel_lines or any(int(line.quantity) < 0 for line in parcel_lines):
        raise LogisticsError(
            _("Choose what goes in the parcel."), code=ErrorCode.INVALID_QUANTITY, field="lines"
        )
    if cost is not None:
        cost = quantize(cost, currency)
        if cost < 0:
            raise LogisticsError(
                _("The carrier's cost cannot be negative."),
                code=ErrorCode.INVALID_QUANTITY,
                field="cost",
            )
    existing = Shipment.objects.filter(carrier=carrier, tracking_number=number).first()
    if existing is not None:
        raise _duplicate(number, existing, shop)
    destination = destination if destination and is_region_code(destination) else ""
    adapter = get_adapter(carrier.adapter) if carrier.adapter in ADAPTERS else None
    polls = adapter is not None and adapter.supports_poll and adapter.info.configured
    shipment = Shipment(
        shop=shop,
        order_id=order_id,
        order_number=order_number,
        buyer_id=buyer_id,
        carrier=carrier,
        tracking_number=number,
        destination=destination,
        ship_by=ship_by,
        shipped_at=now,
        last_event_at=now,
        estimated_delivery=estimate_delivery(now, destination),
        cost=cost,
        currency=currency,
        next_poll_at=adapter.next_poll(None, now=now) if polls else None,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            shipment.save()
    except IntegrityError as error:  # the same number, shipped at the same moment elsewhere
        raise _duplicate(number, None, shop) from error
    ShipmentLine.objects.bulk_create(
        [
            ShipmentLine(
                shop=shop,
                shipment=shipment,
                order_line_id=line.order_line_id,
                sku_code=line.sku_code[:64],
                title=line.title[:120],
                options=(line.options or "")[:200],
                quantity=int(line.quantity),
            )
            for line in parcel_lines
        ]
    )
    TrackingEvent.objects.create(
        shop=shop,
        shipment=shipment,
        status=State.SHIPPED,
        occurred_at=now,
        source=Source.SELLER,
        external_id="shipped",
    )
    audit.record(
        "logistics.shipment.created",
        actor=actor,
        obj=shipment,
        shop_id=shop.pk,
        after={
            "order": order_number,
            "carrier": carrier.code,
            "tracking_number": number,
            "lines": {str(line.order_line_id): int(line.quantity) for line in parcel_lines},
        },
        request=request,
    )
    return shipment


# --- Tracking ---------------------------------------------------------------------------------
def _target_state(shipment: Shipment, fresh: list[TrackingUpdate]) -> TrackingUpdate | None:
    """The update that decides the new state: a delivery, whenever it happened; otherwise the
    newest update, unless it is older than what the shipment already knows."""
    delivered = [update for update in fresh if update.status == State.DELIVERED]
    if delivered:
        return min(delivered, key=lambda update: update.occurred_at)
    newest = max(fresh, key=lambda update: update.occurred_at)
    if newest.occurred_at < shipment.last_event_at:
        return None
    return newest


def record_tracking(
    shipment_id: int,
    updates: Sequence[TrackingUpdate],
    *,
    source: str,
    now: datetime | None = None,
) -> TrackingResult:
    """Record what the carrier said about a parcel: each update once, the state moved to what
    the newest update says (a delivery is final). Publishes `parcel_delivered` on delivery."""
    now = now or timezone.now()
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update().select_related("carrier").get(pk=shipment_id)
        )
        known = set(
            TrackingEvent.objects.filter(
                shipment=shipment, external_id__in=[update.external_id for update in updates]
            ).values_list("external_id", flat=True)
        )
        fresh: list[TrackingUpdate] = []
        for update in updates:
            if update.external_id not in known:
                known.add(update.external_id)
                fresh.append(update)
        if not fresh:
            return TrackingResult(shipment=shipment, recorded=0, duplicates=len(updates))
        TrackingEvent.objects.bulk_create(
            [
                TrackingEvent(
                    shop_id=shipment.shop_id,
                    shipment=shipment,
                    status=update.status,
                    occurred_at=update.occurred_at,
                    region=update.region,
                    location=update.location,
                    description=update.description,
                    source=source,
                    external_id=update.external_id,
                )
                for update in fresh
            ]
        )
        changes: dict[str, object] = {
            "last_event_at": max(shipment.last_event_at, *(update.occurred_at for update in fresh))
        }
        if any(update.status == State.EXCEPTION for update in fresh):
            changes["had_exception"] = True
        moved = [update for update in fresh if update.status != State.EXCEPTION]
        if moved and shipment.picked_up_at is None:
            changes["picked_up_at"] = min(update.occurred_at for update in moved)
        decisive = _target_state(shipment, fresh)
        previous = shipment.state
        was_delivered = previous == State.DELIVERED
        target = decisive.status if decisive is not None else shipment.state
        if target == State.DELIVERED and not was_delivered:
            changes["delivered_at"] = decisive.occurred_at
            changes["next_poll_at"] = None
        if target != shipment.state and Shipment.state_machine.can(shipment.state, target):
            transition(
                shipment,
                to=target,
                reason=(decisive.description or "")[:300],
                changes=changes,
            )
        else:
            for name, value in changes.items():
                setattr(shipment, name, value)
            shipment.save(update_fields=[*changes, "updated_at"])
        delivered_now = shipment.state == State.DELIVERED and not was_delivered
        if delivered_now:
            _publish_delivered(shipment)
        elif shipment.state == State.EXCEPTION and previous != State.EXCEPTION:
            from logistics.services.alerts import tell_about_exception

            tell_about_exception(shipment)
    return TrackingResult(
        shipment=shipment,
        recorded=len(fresh),
        duplicates=len(updates) - len(fresh),
        delivered_now=delivered_now,
    )


def _publish_delivered(shipment: Shipment) -> None:
    others_open = (
        Shipment.objects.filter(order_id=shipment.order_id, shop_id=shipment.shop_id)
        .exclude(pk=shipment.pk)
        .exclude(state=State.DELIVERED)
        .exists()
    )
    events.parcel_delivered.publish(
        shipment_id=shipment.pk,
        shop_id=shipment.shop_id,
        order_id=shipment.order_id,
        order_number=shipment.order_number,
        tracking_number=shipment.tracking_number,
        delivered_at=shipment.delivered_at.isoformat(),
        all_parcels_delivered=not others_open,
    )


def receive_tracking_webhook(adapter_name: str, body: bytes, headers) -> TrackingResult:
    """A carrier's signed report: verified (401 if not), read (400 if malformed), applied to
    the parcel it names (404 for an unknown tracking number). A replay records nothing new."""
    if adapter_name not in ADAPTERS:
        raise ParcelNotFound(_("Unknown carrier."), code=ErrorCode.NOT_FOUND)
    adapter = get_adapter(adapter_name)
    adapter.verify_webhook(body, headers)
    report = adapter.parse_webhook(body)
    number = normalise_tracking_number(report.tracking_number)
    parcels = Shipment.objects.filter(carrier__adapter=adapter.name, tracking_number=number)
    if report.carrier_code:
        parcels = parcels.filter(carrier__code=report.carrier_code)
    ids = list(parcels.values_list("pk", flat=True)[:2])
    if not ids:
        raise ParcelNotFound(
            _("No parcel has the tracking number %(number)s.") % {"number": number[:40]},
            code=ErrorCode.UNKNOWN_PARCEL,
            field="tracking_number",
        )
    if len(ids) > 1:
        raise LogisticsError(
            _("Several carriers have a parcel with this number: name the carrier's code."),
            code=ErrorCode.BAD_EVENT,
            field="carrier",
        )
    return record_tracking(ids[0], report.updates, source=Source.WEBHOOK)


# --- Polling (beat) ---------------------------------------------------------------------------
def pollable_adapters() -> list[str]:
    names = []
    for name, info in ADAPTERS.items():
        if info.configured and get_adapter(name).supports_poll:
            names.append(name)
    return names


def poll_shipment(shipment_id: int, *, now: datetime | None = None) -> int:
    """Ask the carrier about one parcel that is due; returns how many updates were recorded.
    Idempotent: a parcel another run has just polled is not due any more."""
    now = now or timezone.now()
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update(of=("self",))
            .select_related("carrier")
            .filter(pk=shipment_id)
            .first()
        )
        if (
            shipment is None
            or shipment.state == State.DELIVERED
            or shipment.next_poll_at is None
            or shipment.next_poll_at > now
        ):
            return 0
        adapter = get_adapter(shipment.carrier.adapter)
        source = Source.SIMULATOR if adapter.info.simulated else Source.POLL
        step = TrackingEvent.objects.filter(shipment=shipment, source=source).count()
        updates = adapter.poll(shipment, now=now, step=step)
        recorded = 0
        if updates:
            recorded = record_tracking(shipment.pk, updates, source=source, now=now).recorded
            shipment.refresh_from_db(fields=["state"])
        if shipment.state == State.DELIVERED or (not updates and adapter.info.simulated):
            next_poll = None  # delivered, or the simulated route ended (a stalled parcel)
        else:
            next_poll = adapter.next_poll(shipment, now=now)
        Shipment.objects.filter(pk=shipment.pk).update(next_poll_at=next_poll)
    return recorded


def poll_due_shipments(*, now: datetime | None = None, limit: int = 500) -> int:
    """Beat: poll every parcel whose next check is due (the simulated carrier moves its parcels
    one step). Returns how many updates were recorded."""
    now = now or timezone.now()
    adapters = pollable_adapters()
    if not adapters:
        return 0
    ids = list(
        Shipment.objects.due_for_poll(now)
        .filter(carrier__adapter__in=adapters)
        .order_by("next_poll_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(poll_shipment(pk, now=now) for pk in ids)
