"""Demo data of logistics (called by `manage.py seed_demo`, idempotent): the platform's carriers,
and for every demo shop its carriers and two shipping templates; after the orders chapter's demo
(`seed_demo_after_orders`), parcels with tracking timelines for the demo orders that shipped."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from logistics import order_source, services
from logistics.adapters import get_adapter, simulation_step
from logistics.models import Carrier, Shipment, ShippingTemplate, ShopCarrier, TrackingEvent
from logistics.regions import REMOTE_CODES
from logistics.services import ParcelLine

D = Decimal
NOT_SERVED = ["540000", "710000", "810000", "820000"]  # Tibet, Taiwan, Hong Kong, Macau
FAR = sorted(REMOTE_CODES - set(NOT_SERVED))  # Inner Mongolia, Gansu, Qinghai, Ningxia, Xinjiang

TEMPLATES = [
    {
        "fields": {
            "name": "Standard by weight / 标准快递（按重量）",
            "basis": "weight",
            "first_units": D("1"),
            "first_fee": D("8.00"),
            "extra_units": D("1"),
            "extra_fee": D("3.00"),
            "free_over_amount": D("99.00"),
            "free_over_quantity": None,
            "non_deliverable": NOT_SERVED,
            "insurance_percent": D("0.5"),
            "insurance_minimum": D("1.00"),
            "is_default": True,
        },
        "rules": [
            {
                "provinces": ["310000", "320000", "330000", "340000"],  # nearby: cheaper
                "first_units": D("1"),
                "first_fee": D("6.00"),
                "extra_units": D("1"),
                "extra_fee": D("2.00"),
                "free_shipping_applies": True,
            },
            {
                "provinces": FAR,
                "first_units": D("1"),
                "first_fee": D("18.00"),
                "extra_units": D("1"),
                "extra_fee": D("10.00"),
                "free_shipping_applies": False,
            },
        ],
    },
    {
        "fields": {
            "name": "Light parcels by piece / 小件（按件）",
            "basis": "piece",
            "first_units": D("1"),
            "first_fee": D("10.00"),
            "extra_units": D("1"),
            "extra_fee": D("2.00"),
            "free_over_amount": None,
            "free_over_quantity": 3,
            "non_deliverable": NOT_SERVED,
            "insurance_percent": None,
            "insurance_minimum": D("0"),
            "is_default": False,
        },
        "rules": [],
    },
]


def seed_demo(stdout) -> None:
    from shops.models import Shop

    carriers = {carrier.code: carrier for carrier in services.seed_carriers()}
    stdout.write(f"  carriers: {Carrier.objects.count()} (simulated carrier: offline)")
    chosen = [carriers[code] for code in ("offline", "sf-express", "zto") if code in carriers]
    for shop in Shop.objects.order_by("pk"):
        owner = shop.memberships.filter(role="owner").select_related("user").first()
        actor = owner.user if owner else None
        if not ShopCarrier.objects.for_shop(shop).exists() and chosen:
            services.set_shop_carriers(
                shop=shop,
                actor=actor,
                carrier_ids=[carrier.pk for carrier in chosen],
                default_id=chosen[0].pk,
            )
        if ShippingTemplate.objects.for_shop(shop).exists():
            continue
        for spec in TEMPLATES:
            services.save_shipping_template(
                shop=shop, actor=actor, fields=spec["fields"], rules=spec["rules"]
            )
        stdout.write(f"  shipping templates for {shop.name}")


# --- Parcels for the demo orders (after the orders chapter) --------------------------------------
DEMO_DOMAIN = "@demo.marketplace.local"
SIMULATED_CARRIER = "offline"  # the code of the simulated carrier in data/carriers_cn.json
SHIPPED_STATES = ("partly_shipped", "shipped", "delivered", "completed")


def seed_demo_after_orders(stdout) -> None:
    """Parcels with tracking timelines for the demo orders that shipped (called by `seed_demo`
    after every chapter's `seed_demo`, so the orders chapter's demo orders exist). Idempotent:
    an order that has a parcel is left alone.

    The orders chapter's demo ships its orders through its own lifecycle, without parcels; each
    such order gets one parcel with the simulated carrier, its scans spread between the order's
    shipping and now: delivered (and signed for) for orders that are delivered or completed, on
    its way for the others (the beat job then moves it on, one step every
    LOGISTICS_SIMULATION_STEP_MINUTES, until delivery marks the order delivered)."""
    from shops.models import Shop

    if not order_source.is_registered():
        stdout.write("  logistics: no orders chapter; no demo parcels.")
        return
    source = order_source.get()
    offline = Carrier.objects.filter(code=SIMULATED_CARRIER, is_active=True).first()
    if offline is None:
        stdout.write("  logistics: no simulated carrier; no demo parcels.")
        return
    shops = (
        Shop.objects.filter(memberships__user__email__endswith=DEMO_DOMAIN)
        .distinct()
        .order_by("pk")
    )
    made = 0
    for shop in shops:
        if not ShopCarrier.objects.for_shop(shop).filter(carrier=offline).exists():
            continue
        for order in source.find_orders(shop=shop, states=SHIPPED_STATES):
            if Shipment.objects.filter(shop=shop, order_id=order.id).exists():
                continue
            if _demo_parcel(shop, order, offline):
                made += 1
    stdout.write(f"  demo parcels with tracking: {made} created")


def _demo_parcel(shop, order, carrier) -> Shipment | None:
    lines = [
        ParcelLine(
            order_line_id=line.id,
            sku_code=line.sku_code,
            title=line.title,
            options=line.options,
            quantity=line.quantity_shipped,
        )
        for line in order.lines
        if line.quantity_shipped
    ]
    if not lines:
        return None
    now = timezone.now()
    shipped_at = order.shipped_at or now
    delivered = order.state in ("delivered", "completed")
    until = (order.delivered_at or now) if delivered else now
    owner = shop.memberships.filter(role="owner").select_related("user").first()
    shipment = services.create_shipment(
        shop=shop,
        actor=owner.user if owner else None,
        order_id=order.id,
        order_number=order.number,
        buyer_id=order.buyer_id,
        carrier_id=carrier.pk,
        tracking_number=f"SIM{order.number}",
        lines=lines,
        destination=order.province_code,
        ship_by=order.paid_at + services.ship_within() if order.paid_at else None,
        currency=order.currency,
        now=shipped_at,
    )
    adapter = get_adapter(carrier.adapter)
    route = adapter.route(shipment.tracking_number) if delivered else adapter.ROUTE[:2]
    span = max(until - shipped_at, timedelta(seconds=len(route)))
    updates = []
    for step in range(len(route)):
        at = shipped_at + span * (step + 1) / len(route)
        updates.extend(adapter.poll(shipment, now=at, step=step))
    services.record_tracking(shipment.pk, updates, source=TrackingEvent.Source.SIMULATOR, now=now)
    if not delivered:
        Shipment.objects.filter(pk=shipment.pk).update(next_poll_at=now + simulation_step())
    return shipment
