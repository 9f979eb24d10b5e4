"""What the orders chapter's fulfilment hooks up when the app starts (`OrdersConfig.ready()`):

- subscribes to `logistics.events.parcel_delivered`: when every parcel of a fully shipped order
  is delivered, the order is delivered (`orders.fulfilment.services.deliver_by_carrier`);
- registers its Celery tasks (`orders.fulfilment.tasks`, outside the autodiscovered
  `orders/tasks.py`) and its admin (the carriers' admin with each shop's late-shipment rate).

`connect()` is idempotent.
"""

from __future__ import annotations

from logistics import events as logistics_events


def on_parcel_delivered(*, order_id, all_parcels_delivered, **payload):
    from orders.fulfilment.services import deliver_by_carrier

    deliver_by_carrier(order_id=order_id, all_parcels_delivered=all_parcels_delivered)


def connect() -> None:
    from orders.fulfilment import admin, tasks  # noqa: F401 - registers the beat task

    logistics_events.parcel_delivered.subscribe(on_parcel_delivered)
    admin.register()
