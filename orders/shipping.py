"""The shipping quoters the orders chapter hands to the price engine (`promotions.pricing`).

    quoter_for(province="浙江省", insure_shops={3})  # the shops' templates, via logistics.services
    estimate_quoter()                                # the cart before an address is known

Orders sits above logistics (DESIGN §2) and calls `logistics.services` directly: the shop's
templates price each parcel (the shop without one pays the documented flat rate, decided by
logistics). A failure there (an unknown province, the database) surfaces as that error; it never
turns quietly into a flat rate here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from django.utils.translation import gettext as _

from logistics.quote import QuoteLine, ShippingQuote
from logistics.services import make_quoter
from marketplace.core.money import DEFAULT_CURRENCY, ZERO


def quoter_for(*, province: str, insure_shops: Collection[int] = ()):
    """`quoter(shop_id=, lines=)` for parcels to `province` (a region code or a name).

    Raises `LogisticsError` for a province logistics does not know."""
    return make_quoter(province=province, insure_shops=insure_shops)


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
