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


def tenancy_shipment(shop):
    """For the tenancy walk (tests/test_tenancy.py): a parcel of `shop` (a second paid order,
    shipped with the simulated carrier) whose tracking number, ZZSECRETPARCEL1, is a marker that
    must never reach another shop. The product is delisted afterwards, as the orders' one is: the
    walk also reads the public catalogue."""
    from catalog.models import Product
    from catalog.services import refresh_listings
    from logistics import services
    from orders.fulfilment.services import ship_order
    from tests.factories.orders import buyer_with_address

    carriers = {carrier.code: carrier for carrier in services.seed_carriers()}
    services.set_shop_carriers(shop=shop, actor=shop.owner, carrier_ids=[carriers["offline"].pk])
    order = paid_order(
        shop,
        buyer_with_address(email="a-parcel-buyer-zz@example.com"),
        ("Celadon vase of shop A", "66.00", 1),
    )
    shipment = ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="ZZSECRETPARCEL1",
    )
    product_id = order.lines.get().product_id_snapshot
    Product.objects.filter(pk=product_id).update(state=Product.State.DELISTED)
    refresh_listings([product_id])
    return shipment
