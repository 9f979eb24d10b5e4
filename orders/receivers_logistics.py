"""Orders' side of the logistics chapter (DESIGN §2: logistics sits below orders).

- Registers `OrdersForLogistics` with `logistics.order_source`: logistics' fulfilment pages and
  delivery SLA checks read orders, and ship them, through it (logistics never imports orders).
- Subscribes to `logistics.events.parcel_delivered`: when every parcel of a fully shipped order
  is delivered, the order is delivered (`orders.services.fulfilment.deliver_by_carrier`).

Imported once from `OrdersConfig.ready()`; `connect()` is idempotent.
"""

from __future__ import annotations

from logistics import events as logistics_events
from logistics import order_source


def on_parcel_delivered(*, order_id, all_parcels_delivered, **payload):
    from orders.services.fulfilment import deliver_by_carrier

    deliver_by_carrier(order_id=order_id, all_parcels_delivered=all_parcels_delivered)


def connect() -> None:
    from orders.services.fulfilment import OrdersForLogistics

    order_source.register(OrdersForLogistics())
    logistics_events.parcel_delivered.subscribe(on_parcel_delivered)


connect()
