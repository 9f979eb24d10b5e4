"""Models of the Logistics chapter, one module per concern:

- `carriers`: the platform's carriers and the shops' choice of them;
- `templates`: shipping templates with their rules per province;
- `shipments`: parcels, their lines and tracking events;
- `alerts`: delivery alerts (missed promises).

Fields, constraints and cheap properties only; the rules are in `logistics.services`, the fee
maths in `logistics.quote`. Destination provinces are region codes from `logistics.regions`.
"""

from logistics.models.alerts import SlaAlert
from logistics.models.carriers import (
    TRACKING_NUMBER_PLACEHOLDER,
    Carrier,
    ShopCarrier,
    adapter_names,
    validate_tracking_url_pattern,
)
from logistics.models.shipments import (
    SHIPMENT_STATES,
    TRACKING_NUMBER_MAX,
    Shipment,
    ShipmentLine,
    ShipmentQuerySet,
    TrackingEvent,
)
from logistics.models.templates import RateFields, ShippingRule, ShippingTemplate

__all__ = [
    "SHIPMENT_STATES",
    "TRACKING_NUMBER_MAX",
    "TRACKING_NUMBER_PLACEHOLDER",
    "Carrier",
    "RateFields",
    "ShipmentLine",
    "ShipmentQuerySet",
    "Shipment",
    "ShippingRule",
    "ShippingTemplate",
    "ShopCarrier",
    "SlaAlert",
    "TrackingEvent",
    "adapter_names",
    "validate_tracking_url_pattern",
]
