"""The shipping quoters the orders chapter hands to the price engine (`promotions.pricing`).

    quoter_for(province="浙江省", insure_shops={3})  # the shops' templates, via logistics.services
    estimate_quoter()                                # the cart before an address is known

`logistics.services.make_quoter` prices each shop's parcel from its shipping templates (falling
back to the documented flat rate). Until that service is installed, the flat rate of
`logistics.quote` is used directly, so checkout works either way.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from django.utils.translation import gettext as _

from logistics.errors import ErrorCode as LogisticsCode
from logistics.errors import LogisticsError
from logistics.quote import QuoteLine, ShippingQuote, flat_rate_template, quote_shipping
from logistics.regions import find_region, is_region_code
from marketplace.core.money import DEFAULT_CURRENCY, ZERO


def resolve_province(value: str) -> str:
    """The region code of a province as addresses store it ("浙江省", "Zhejiang", a code)."""
    try:
        from logistics.services import resolve_province as logistics_resolve
    except ImportError:
        logistics_resolve = None
    if logistics_resolve is not None:
        return logistics_resolve(value)
    if value and is_region_code(value):
        return value
    region = find_region(value or "")
    if region is None:
        raise LogisticsError(
            _("Unknown destination province %(name)s.") % {"name": value or "—"},
            code=LogisticsCode.UNKNOWN_REGION,
            field="province",
        )
    return region.code


def quoter_for(*, province: str, insure_shops: Collection[int] = ()):
    """`quoter(shop_id=, lines=)` for parcels to `province` (a region code or a name)."""
    code = resolve_province(province)
    try:
        from logistics.services import make_quoter
    except ImportError:
        make_quoter = None
    if make_quoter is not None:
        return make_quoter(province=code, insure_shops=insure_shops)

    def flat_quoter(*, shop_id: int, lines: Sequence[QuoteLine]) -> ShippingQuote:
        return quote_shipping(flat_rate_template(), province=code, lines=lines)

    return flat_quoter


def estimate_quoter():
    """For the cart page without a delivery address: shipping is shown as "at checkout"."""

    def quoter(*, shop_id: int, lines: Sequence[QuoteLine]) -> ShippingQuote:
        return ShippingQuote(
            currency=DEFAULT_CURRENCY,
            province="",
            shipping_fee=ZERO,
            insurance_fee=ZERO,
            fee=ZERO,
            insured=False,
            insurance_offer=None,
            free_shipping=False,
            explanation=(_("Shipping is calculated at checkout from your address."),),
        )

    return quoter
