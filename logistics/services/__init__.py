"""Logistics services: the only place logistics data changes, and the shipping quote.

from logistics import services
services.quote_for_shop(shop_id=..., province="330000", lines=[QuoteLine(...)])
services.make_quoter(province="330000")       # the price engine's shipping_quoter
services.save_shipping_template(shop=..., actor=..., fields={...}, rules=[{...}])
services.delete_shipping_template(shop=..., actor=..., template=...)
services.set_shop_carriers(shop=..., actor=..., carrier_ids=[...], default_id=...)

Shipments and tracking (logistics.services.shipments, .alerts, .fulfilment):
services.create_shipment(shop=, actor=, order_id=, ..., lines=[ParcelLine(...)])  # by orders
services.record_tracking(shipment_id, updates, source=...)
services.receive_tracking_webhook(adapter, body, headers)
services.poll_due_shipments()          # beat: carriers' polls and the simulated carrier
services.check_delivery_slas()         # beat: late shipments, parcels that stopped moving
services.bulk_ship(shop=, actor=, data=csv_bytes)
"""

from logistics.services.alerts import (
    alert_late_shipments,
    alert_stalled_parcels,
    check_delivery_slas,
)
from logistics.services.carriers import seed_carriers, set_shop_carriers
from logistics.services.fulfilment import bulk_ship, pick_list
from logistics.services.quoting import (
    flat_rate,
    make_quoter,
    quote_for_shop,
    resolve_province,
    shop_carrier_options,
)
from logistics.services.shipments import (
    ParcelLine,
    create_shipment,
    estimate_delivery,
    estimate_for_unshipped,
    poll_due_shipments,
    poll_shipment,
    receive_tracking_webhook,
    record_tracking,
    ship_within,
)
from logistics.services.templates import (
    RULE_FIELDS,
    TEMPLATE_FIELDS,
    Problem,
    delete_shipping_template,
    overlapping_provinces,
    save_shipping_template,
    set_default_template,
    template_problems,
)

__all__ = [
    "RULE_FIELDS",
    "ParcelLine",
    "Problem",
    "TEMPLATE_FIELDS",
    "alert_late_shipments",
    "alert_stalled_parcels",
    "bulk_ship",
    "check_delivery_slas",
    "create_shipment",
    "delete_shipping_template",
    "estimate_delivery",
    "estimate_for_unshipped",
    "flat_rate",
    "make_quoter",
    "overlapping_provinces",
    "pick_list",
    "poll_due_shipments",
    "poll_shipment",
    "quote_for_shop",
    "receive_tracking_webhook",
    "record_tracking",
    "resolve_province",
    "save_shipping_template",
    "seed_carriers",
    "set_default_template",
    "set_shop_carriers",
    "ship_within",
    "shop_carrier_options",
    "template_problems",
]
