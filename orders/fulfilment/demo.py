"""Demo parcels (called at the end of the orders chapter's `seed_demo`, idempotent): every demo
order that shipped gets one parcel with the simulated carrier and a tracking history; an order
that has a parcel is left alone.

The orders demo ships its orders through their lifecycle, without parcels. Each such order's
shipped units go in one parcel, its scans spread between the order's shipping and now
(`logistics.demo.simulate_journey`): delivered (and signed for) for orders that are delivered or
completed, on its way for the others (the beat job then moves it on until delivery marks the
order delivered).
"""

from __future__ import annotations

from django.utils import timezone

from logistics import demo as logistics_demo
from logistics import services as logistics_services
from logistics.models import Shipment, ShopCarrier
from logistics.services import ParcelLine
from orders.fulfilment import selectors
from orders.models import Order
from shops.models import Shop

DEMO_DOMAIN = "@demo.marketplace.local"
DELIVERED = (Order.State.DELIVERED, Order.State.COMPLETED)


def seed_demo_parcels(stdout) -> None:
    carrier = logistics_demo.simulated_carrier()
    if carrier is None:
        stdout.write("  logistics: no simulated carrier; no demo parcels.")
        return
    shops = (
        Shop.objects.filter(memberships__user__email__endswith=DEMO_DOMAIN)
        .distinct()
        .order_by("pk")
    )
    made = 0
    for shop in shops:
        if not ShopCarrier.objects.for_shop(shop).filter(carrier=carrier).exists():
            continue
        for order in selectors.list_shipped_orders(shop):
            if Shipment.objects.for_shop(shop).filter(order_id=order.pk).exists():
                continue
            if _demo_parcel(shop, order, carrier):
                made += 1
    stdout.write(f"  demo parcels with tracking: {made} created")


def _demo_parcel(shop, order: Order, carrier) -> Shipment | None:
    lines = [
        ParcelLine(
            order_line_id=line.pk,
            sku_code=line.sku_code,
            title=line.title,
            options=line.options,
            quantity=line.quantity_shipped,
        )
        for line in order.lines.all()
        if line.quantity_shipped
    ]
    if not lines:
        return None
    now = timezone.now()
    delivered = order.state in DELIVERED
    owner = shop.memberships.filter(role="owner").select_related("user").first()
    shipment = logistics_services.create_shipment(
        shop=shop,
        actor=owner.user if owner else None,
        order_id=order.pk,
        order_number=order.number,
        buyer_id=order.buyer_id,
        carrier_id=carrier.pk,
        tracking_number=f"SIM{order.number}",
        lines=lines,
        destination=order.province_code,
        ship_by=selectors.ship_by(order),
        currency=order.currency,
        now=order.shipped_at or now,
    )
    until = (order.delivered_at or now) if delivered else now
    logistics_demo.simulate_journey(shipment, delivered=delivered, until=until, now=now)
    return shipment
