"""Logistics services: the only place logistics data changes, and the shipping quote.

from logistics import services
services.quote_for_shop(shop_id=..., province="330000", lines=[QuoteLine(...)])
services.make_quoter(province="330000")       # the price engine's shipping_quoter
services.save_shipping_template(shop=..., actor=..., fields={...}, rules=[{...}])
services.delete_shipping_template(shop=..., actor=..., template=...)
services.set_shop_carriers(shop=..., actor=..., carrier_ids=[...], default_id=...)
"""

from logistics.services.carriers import seed_carriers, set_shop_carriers
from logistics.services.quoting import (
    flat_rate,
    make_quoter,
    quote_for_shop,
    resolve_province,
    shop_carrier_options,
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
    "Problem",
    "TEMPLATE_FIELDS",
    "delete_shipping_template",
    "flat_rate",
    "make_quoter",
    "overlapping_provinces",
    "quote_for_shop",
    "resolve_province",
    "save_shipping_template",
    "seed_carriers",
    "set_default_template",
    "set_shop_carriers",
    "shop_carrier_options",
    "template_problems",
]
