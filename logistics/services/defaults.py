"""What a new shop starts with, so that its first order can ship: the platform's default carriers
(`settings.LOGISTICS_NEW_SHOP_CARRIERS`, by code, the first one the default) and a standard
shipping template by piece. The owner changes both in the seller center; a shop that already has
carriers or templates keeps what it has. Called when the shops chapter says a shop opened
(`shops.events.shop_opened`, subscribed in `logistics/apps.py`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from logistics.models import Carrier, ShippingTemplate, ShopCarrier
from logistics.regions import REMOTE_CODES
from logistics.services.carriers import set_shop_carriers
from logistics.services.templates import save_shipping_template

# Hong Kong, Macau and Taiwan are cross-border: not served until the shop says otherwise.
NOT_SERVED = ["710000", "810000", "820000"]
STANDARD_TEMPLATE = {
    "fields": {
        "name": "Standard / 标准快递",
        "basis": "piece",
        "first_units": Decimal("1"),
        "first_fee": Decimal("10.00"),
        "extra_units": Decimal("1"),
        "extra_fee": Decimal("5.00"),
        "free_over_amount": None,
        "free_over_quantity": None,
        "non_deliverable": NOT_SERVED,
        "insurance_percent": None,
        "insurance_minimum": Decimal("0"),
        "is_default": True,
    },
    "rules": [
        {  # Tibet, Inner Mongolia, Gansu, Qinghai, Ningxia, Xinjiang: farther, dearer
            "provinces": sorted(REMOTE_CODES - set(NOT_SERVED)),
            "first_units": Decimal("1"),
            "first_fee": Decimal("20.00"),
            "extra_units": Decimal("1"),
            "extra_fee": Decimal("10.00"),
            "free_shipping_applies": False,
        }
    ],
}


@transaction.atomic
def give_new_shop_defaults(*, shop_id: int, owner_id: int | None = None) -> None:
    from shops.models import Shop

    shop = Shop.objects.get(pk=shop_id)
    owner = get_user_model().objects.filter(pk=owner_id).first() if owner_id else None
    if not ShopCarrier.objects.for_shop(shop).exists():
        codes = list(settings.LOGISTICS_NEW_SHOP_CARRIERS)
        found = {c.code: c.pk for c in Carrier.objects.filter(is_active=True, code__in=codes)}
        chosen = [found[code] for code in codes if code in found]
        if chosen:
            set_shop_carriers(shop=shop, actor=owner, carrier_ids=chosen, default_id=chosen[0])
    if not ShippingTemplate.objects.for_shop(shop).exists():
        save_shipping_template(
            shop=shop,
            actor=owner,
            fields=STANDARD_TEMPLATE["fields"],
            rules=STANDARD_TEMPLATE["rules"],
        )
