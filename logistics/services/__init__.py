"""Logistics services: the only place logistics data changes, and the shipping quote.

from logistics import services
services.quote_for_shop(shop_id=..., province="330000", lines=[QuoteLine(...)])
services.make_quoter(province="330000")       # the price engine's shipping_quoter
services.save_shipping_template(shop=..., actor=..., fields={...}, rules=[{...}])
services.delete_shipping_template(shop=..., actor=..., template=...)
services.set_shop_carriers(shop=..., actor=..., carrier_ids=[...], default_id=...)

Shipments and tracking (logistics.services.shipments, .alerts, .parcel_csv), used by the
orders chapter's fulfilment (orders.fulfilment), which decides what ships and when:
services.create_shipment(shop=, actor=, order_id=, ..., lines=[ParcelLine(...)])
services.record_tracking(shipment_id, updates, source=...)
services.receive_tracking_webhook(adapter, body, headers)
services.poll_due_shipments()          # beat: carriers' polls and the simulated carrier
services.alert_stalled_parcels()       # parcels that stopped moving
services.record_late_shipment(shop_id=, order_id=, order_number=, since=)
services.read_parcel_csv(csv_bytes)    # the bulk-shipping file's rows
"""

from logistics.services.alerts import (
    alert_stalled_parcels,
    record_late_shipment,
    stall_after,
    tell_about_exception,
    tell_shop,
)
from logistics.services.carriers import seed_carriers, set_shop_carriers
from logistics.services.parcel_csv import EXAMPLE_ROWS, ParcelRow, read_parcel_csv
from logistics.services.quoting import (
    flat_rate,
    make_quoter,
    quote_for_shop,
    resolve_province,
    shop_carrier_options,
)
from logistics.services.shipments import (
    ParcelLine,
    check_tracking_number,
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
    "EXAMPLE_ROWS",
    "RULE_FIELDS",
    "ParcelLine",
    "ParcelRow",
    "Problem",
    "TEMPLATE_FIELDS",
    "alert_stalled_parcels",
    "check_tracking_number",
    "create_shipment",
    "delete_shipping_template",
    "estimate_delivery",
    "estimate_for_unshipped",
    "flat_rate",
    "make_quoter",
    "overlapping_provinces",
    "poll_due_shipments",
    "poll_shipment",
    "quote_for_shop",
    "read_parcel_csv",
    "receive_tracking_webhook",
    "record_late_shipment",
    "record_tracking",
    "resolve_province",
    "save_shipping_template",
    "seed_carriers",
    "set_default_template",
    "set_shop_carriers",
    "ship_within",
    "shop_carrier_options",
    "stall_after",
    "tell_about_exception",
    "tell_shop",
    "template_problems",
]
