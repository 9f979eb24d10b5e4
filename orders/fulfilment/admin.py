"""The carriers' admin, extended by the orders chapter: the platform's delivery performance page
(`/admin/logistics/carrier/performance/`, logistics' carrier scorecards) also lists each shop's
late-shipment rate, which is an orders rule (`selectors.late_shipment_rates`).

Logistics registers `CarrierAdmin` and knows nothing of orders; this module, imported when the
orders app starts (`orders.fulfilment.receivers.connect`), registers the extended admin in its
place.
"""

from __future__ import annotations

from django.contrib import admin

from logistics.admin import CarrierAdmin
from logistics.models import Carrier
from orders.fulfilment import selectors
from shops.models import Shop


class CarrierWithShopRatesAdmin(CarrierAdmin):
    performance_template = "orders/fulfilment/admin/performance.html"

    def performance_context(self, request, *, since) -> dict:
        rates = sorted(
            selectors.late_shipment_rates(since=since).values(),
            key=lambda rate: (-(rate.rate or 0), -rate.orders),
        )[:100]
        shops = Shop.objects.in_bulk([rate.shop_id for rate in rates])
        return {
            **super().performance_context(request, since=since),
            "shop_rates": [(shops.get(rate.shop_id), rate) for rate in rates],
            "hours": selectors.ship_within_hours(),
        }


def register(site=admin.site) -> None:
    """Put the extended carriers' admin in place of logistics' own (idempotent)."""
    if site.is_registered(Carrier):
        if isinstance(site.get_model_admin(Carrier), CarrierWithShopRatesAdmin):
            return
        site.unregister(Carrier)
    site.register(Carrier, CarrierWithShopRatesAdmin)
