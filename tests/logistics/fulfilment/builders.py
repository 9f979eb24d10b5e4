"""Builders of the fulfilment tests: paid orders (through the real orders services) and carrier
reports in the platform's webhook format, signed like a carrier would."""

from __future__ import annotations

import json

from logistics.adapters import SIGNATURE_HEADER, get_adapter
from orders.models import Order
from tests.factories.orders import live_sku, pay, place


def paid_order(shop, buyer, *items) -> Order:
    """A paid order of `shop` for `buyer`; `items`: (title, price, quantity) per line."""
    skus = [
        (live_sku(shop, title=title, price=price, stock=50), quantity)
        for title, price, quantity in items
    ]
    placement = place(buyer, *skus)
    pay(placement.payment)
    return Order.objects.get(pk=placement.orders[0].pk)


def report(tracking_number, *events, carrier=""):
    """A carrier report body in the platform's format."""
    body = {"tracking_number": tracking_number, "events": list(events)}
    if carrier:
        body["carrier"] = carrier
    return json.dumps(body).encode()


def event(status, time, event_id=None, **extra):
    item = {"status": status, "time": time, **extra}
    if event_id:
        item["id"] = event_id
    return item


def signed(body: bytes, adapter: str = "offline") -> dict:
    return {SIGNATURE_HEADER: get_adapter(adapter).sign(body)}
