"""The domain events the logistics chapter publishes (DESIGN §2), for the apps above it.

Logistics sits below orders and never imports it. When a parcel is delivered, orders must mark
the order delivered: it subscribes in its `apps.py` (through `orders/fulfilment/receivers.py`)

    from logistics import events
    events.parcel_delivered.subscribe(handler)      # handler(**payload), after commit

and `logistics.services` publishes

    events.parcel_delivered.publish(shipment_id=..., order_id=..., ...)

A published event reaches its handlers after the surrounding transaction commits (never for one
that rolls back), each on its own: a failing handler is logged and does not stop the others.
Payloads are ids and plain values. The list is in docs/architecture.md ("Domain events").
"""

from __future__ import annotations

from marketplace.core.events import DomainEvent

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
