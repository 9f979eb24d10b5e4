"""The shipping quote for a shop's parcel: load the shop's templates and carriers, call the maths.

    quote = quote_for_shop(shop_id=3, province="330000", lines=[QuoteLine(quantity=1, ...)])

Which template prices a line: the line's `shipping_template_id` when it is one of the shop's
templates (a product links to a template); otherwise the shop's default template; otherwise the
flat rate, `flat_rate()` per parcel (¥10.00, or `settings.LOGISTICS_FLAT_RATE`), to every
province. Three queries per call, whatever the number of lines.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from logistics.errors import ErrorCode, LogisticsError
from logistics.models import ShippingTemplate, ShopCarrier
from logistics.quote import (
    FLAT_RATE,
    CarrierOption,
    QuoteLine,
    ShippingQuote,
    flat_rate_template,
    quote_combined,
)
from logistics.regions import find_region, is_region_code
from marketplace.core.money import DEFAULT_CURRENCY, quantize


def flat_rate() -> Decimal:
    """The documented fallback fee per parcel (`LOGISTICS_FLAT_RATE` setting, default ¥10.00)."""
    return quantize(str(getattr(settings, "LOGISTICS_FLAT_RATE", FLAT_RATE)))


def resolve_province(value: str) -> str:
    """A region code from a code or a province name as addresses store it ("浙江省", "Zhejiang")."""
    if value and is_region_code(value):
        return value
    region = find_region(value or "")
    if region is None:
        raise LogisticsError(
            _("Unknown destination province %(name)s.") % {"name": value or "—"},
            code=ErrorCode.UNKNOWN_REGION,
            field="province",
        )
    return region.code


def shop_carrier_options(shop_id: int) -> tuple[CarrierOption, ...]:
    """The shop's active carriers, default first (one query)."""
    links = (
        ShopCarrier.objects.filter(shop_id=shop_id, carrier__is_active=True)
        .select_related("carrier")
        .order_by("-is_default", "carrier__position", "carrier__code")
    )
    return tuple(
        CarrierOption(
            id=link.carrier_id,
            code=link.carrier.code,
            name=link.carrier.name,
            is_default=link.is_default,
            simulated=link.carrier.simulated,
        )
        for link in links
    )


def quote_for_shop(
    *,
    shop_id: int,
    province: str,
    lines: Sequence[QuoteLine],
    insure: bool = False,
    currency: str = DEFAULT_CURRENCY,
) -> ShippingQuote:
    """The quote for the shop's parcel of `lines` to `province` (a code or a province name).

    Raises `NotDeliverable` (naming the province) when a template of the parcel refuses it,
    `LogisticsError` for an unknown province or a bad line.
    """
    province = resolve_province(province)
    wanted = {line.shipping_template_id for line in lines if line.shipping_template_id}
    templates = list(
        ShippingTemplate.objects.filter(shop_id=shop_id)
        .filter(Q(pk__in=wanted) | Q(is_default=True))
        .prefetch_related("rules")
    )
    by_id = {template.pk: template.snapshot() for template in templates}
    default = next((by_id[t.pk] for t in templates if t.is_default), None)
    fallback = default or flat_rate_template(flat_rate(), currency)

    groups: dict[object, tuple[object, list[QuoteLine]]] = {}
    for line in lines:
        snapshot = by_id.get(line.shipping_template_id) or fallback
        key = snapshot.id if snapshot.id is not None else "flat"
        groups.setdefault(key, (snapshot, []))[1].append(line)
    return quote_combined(
        list(groups.values()),
        province=province,
        carriers=shop_carrier_options(shop_id),
        insure=insure,
    )


def make_quoter(*, province: str, insure_shops: Collection[int] = ()):
    """The price engine's `shipping_quoter` for one destination: `quoter(shop_id=, lines=)`.

    `insure_shops`: the shops whose parcels the buyer chose to insure.
    """
    province = resolve_province(province)

    def quoter(*, shop_id: int, lines: Sequence[QuoteLine]) -> ShippingQuote:
        return quote_for_shop(
            shop_id=shop_id, province=province, lines=lines, insure=shop_id in insure_shops
        )

    return quoter
