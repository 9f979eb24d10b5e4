"""The domain events the logistics chapter publishes (DESIGN §2), for the apps above it.

Logistics sits below orders and never imports it. When a parcel is delivered, orders must mark
the order delivered: it subscribes in its `apps.py` (through `orders/receivers_logistics.py`)

    from logistics import events
    events.parcel_delivered.subscribe(handler)      # handler(**payload), after commit

and `logistics.services` publishes

    events.parcel_delivered.publish(shipment_id=..., order_id=..., ...)

A published event reaches its handlers after the surrounding transaction commits (never for one
that rolls back), each on its own: a failing handler is logged and does not stop the others.
Payloads are ids and plain values. The list is in docs/architecture.md ("Domain events").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class DomainEvent:
    name: str
    payload: tuple[str, ...]
    description: str = ""
    _handlers: list[Callable[..., object]] = field(default_factory=list, repr=False)

    def subscribe(self, handler: Callable[..., object]) -> Callable[..., object]:
        """Add `handler` (once: subscribing it again changes nothing). Usable as a decorator."""
        if handler not in self._handlers:
            self._handlers.append(handler)
        return handler

    def unsubscribe(self, handler: Callable[..., object]) -> None:
        if handler in self._handlers:
            self._handlers.remove(handler)

    @property
    def handlers(self) -> tuple[Callable[..., object], ...]:
        return tuple(self._handlers)

    def publish(self, **payload) -> None:
        """Call every handler with `payload` once the current transaction has committed."""
        missing = set(self.payload) - set(payload)
        if missing:
            raise TypeError(f"{self.name} needs {sorted(missing)}")
        for handler in list(self._handlers):
            transaction.on_commit(_runner(self.name, handler, payload), robust=True)


def _runner(name, handler, payload):
    def run():
        logger.debug("event %s -> %r", name, handler)
        handler(**payload)

    return run


parcel_delivered = DomainEvent(
    "logistics.events.parcel_delivered",
    (
        "shipment_id",
        "shop_id",
        "order_id",
        "order_number",
        "tracking_number",
        "delivered_at",
        "all_parcels_delivered",
    ),
    "A parcel was delivered (the carrier said so). `all_parcels_delivered`: every parcel shipped "
    "for the order so far is delivered.",
)

ALL_EVENTS = (parcel_delivered,)
