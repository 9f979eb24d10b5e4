"""Demo data of logistics (called by `manage.py seed_demo`, idempotent): the platform's carriers,
and for every demo shop its carriers and two shipping templates. The orders chapter's demo ships
its demo orders' parcels (`orders.fulfilment.demo`) and gives each a tracking history with the
simulated carrier (`simulate_journey`)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from logistics import services
from logistics.adapters import get_adapter, simulation_step
from logistics.models import Carrier, Shipment, ShippingTemplate, ShopCarrier, TrackingEvent
from logistics.regions import REMOTE_CODES

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
        # Demo shops ship with the simulated carrier (besides the defaults a new shop gets).
        links = ShopCarrier.objects.for_shop(shop)
        if chosen and not links.filter(carrier__code=SIMULATED_CARRIER).exists():
            services.set_shop_carriers(
                shop=shop,
                actor=actor,
                carrier_ids=[carrier.pk for carrier in chosen],
                default_id=chosen[0].pk,
            )
        names = set(ShippingTemplate.objects.for_shop(shop).values_list("name", flat=True))
        missing = [spec for spec in TEMPLATES if spec["fields"]["name"] not in names]
        for spec in missing:
            services.save_shipping_template(
                shop=shop, actor=actor, fields=spec["fields"], rules=spec["rules"]
            )
        if missing:
            stdout.write(f"  shipping templates for {shop.name}")


# --- A demo parcel's journey ---------------------------------------------------------------------
SIMULATED_CARRIER = "offline"  # the code of the simulated carrier in data/carriers_cn.json


def simulated_carrier() -> Carrier | None:
    return Carrier.objects.filter(code=SIMULATED_CARRIER, is_active=True).first()


def simulate_journey(shipment: Shipment, *, delivered: bool, until, now=None) -> None:
    """Give a demo parcel of the simulated carrier its scans, spread between its shipping and
    `until`: the whole route to delivery (signed for) when `delivered`, else its first steps; an
    undelivered parcel is then moved on by the beat job, one step every
    LOGISTICS_SIMULATION_STEP_MINUTES."""
    now = now or timezone.now()
    adapter = get_adapter(shipment.carrier.adapter)
    route = adapter.route(shipment.tracking_number) if delivered else adapter.ROUTE[:2]
    span = max(until - shipment.shipped_at, timedelta(seconds=len(route)))
    updates = []
    for step in range(len(route)):
        at = shipment.shipped_at + span * (step + 1) / len(route)
        updates.extend(adapter.poll(shipment, now=at, step=step))
    services.record_tracking(shipment.pk, updates, source=TrackingEvent.Source.SIMULATOR, now=now)
    if not delivered:
        Shipment.objects.filter(pk=shipment.pk).update(next_poll_at=now + simulation_step())
