"""The shipping quote for a shop's parcel: load the shop's templates and carriers, call the maths.

    quote = quote_for_shop(shop_id=3, province="330000", lines=[QuoteLine(quantity=1, ...)])

Which template prices a line: the line's `shipping_template_id` when it is one of the shop's
templates (a product links to a template); otherwise the shop's default template; otherwise the
flat rate, `flat_rate()` per parcel (¥10.00, or `settings.LOGISTICS_FLAT_RATE`), to every
province. Three queries at most per call, whatever the number of lines; a quoter made by
`make_quoter` reads every shop of a cart in those three (`load_shipping`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
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
    return shops_carrier_options([shop_id]).get(shop_id, ())


def shops_carrier_options(shop_ids: Collection[int]) -> dict[int, tuple[CarrierOption, ...]]:
    """`shop_carrier_options` of several shops, in one query: {shop id: carriers}."""
    links = (
        ShopCarrier.objects.filter(shop_id__in=list(shop_ids), carrier__is_active=True)
        .select_related("carrier")
        .order_by("shop_id", "-is_default", "carrier__position", "carrier__code")
    )
    found: dict[int, list[CarrierOption]] = {}
    for link in links:
        found.setdefault(link.shop_id, []).append(
            CarrierOption(
                id=link.carrier_id,
                code=link.carrier.code,
                name=link.carrier.name,
                is_default=link.is_default,
                simulated=link.carrier.simulated,
            )
        )
    return {shop_id: tuple(options) for shop_id, options in found.items()}


@dataclass(frozen=True)
class ShopShipping:
    """What quoting one shop's parcel reads from the database: its templates (those the lines
    name and the default, as snapshots by id) and its carriers."""

    templates: dict
    default: object | None
    carriers: tuple[CarrierOption, ...]


def load_shipping(
    wanted: Mapping[int, Collection[int]],
) -> dict[int, ShopShipping]:
    """`ShopShipping` of several shops at once ({shop id: template ids the lines name}): the
    templates with their rules, then the carriers, whatever the number of shops (three queries
    at most)."""
    shop_ids = sorted(wanted)
    named = {tid for ids in wanted.values() for tid in ids if tid}
    templates = list(
        ShippingTemplate.objects.filter(shop_id__in=shop_ids)
        .filter(Q(pk__in=named) | Q(is_default=True))
        .prefetch_related("rules")
    )
    carriers = shops_carrier_options(shop_ids)
    loaded = {}
    for shop_id in shop_ids:
        mine = [t for t in templates if t.shop_id == shop_id]
        by_id = {t.pk: t.snapshot() for t in mine if t.is_default or t.pk in wanted[shop_id]}
        default = next((by_id[t.pk] for t in mine if t.is_default), None)
        loaded[shop_id] = ShopShipping(
            templates=by_id, default=default, carriers=carriers.get(shop_id, ())
        )
    return loaded


def quote_for_shop(
    *,
    shop_id: int,
    province: str,
    lines: Sequence[QuoteLine],
    insure: bool = False,
    currency: str = DEFAULT_CURRENCY,
    loaded: ShopShipping | None = None,
) -> ShippingQuote:
    """The quote for the shop's parcel of `lines` to `province` (a code or a province name).

    Raises `NotDeliverable` (naming the province) when a template of the parcel refuses it,
    `LogisticsError` for an unknown province or a bad line. `loaded`: the shop's templates and
    carriers when the caller read them already (`load_shipping`, for every shop of a cart).
    """
    province = resolve_province(province)
    if loaded is None:
        wanted = {line.shipping_template_id for line in lines if line.shipping_template_id}
        loaded = load_shipping({shop_id: wanted})[shop_id]
    by_id, default = loaded.templates, loaded.default
    fallback = default or flat_rate_template(flat_rate(), currency)

    groups: dict[object, tuple[object, list[QuoteLine]]] = {}
    for line in lines:
        snapshot = by_id.get(line.shipping_template_id) or fallback
        key = snapshot.id if snapshot.id is not None else "flat"
        groups.setdefault(key, (snapshot, []))[1].append(line)
    return quote_combined(
        list(groups.values()),
        province=province,
        carriers=loaded.carriers,
        insure=insure,
    )


def make_quoter(*, province: str, insure_shops: Collection[int] = ()):
    """The price engine's `shipping_quoter` for one destination: `quoter(shop_id=, lines=)`.

    `insure_shops`: the shops whose parcels the buyer chose to insure. The engine calls
    `quoter.prepare({shop_id: lines})` first with every shop of the cart, so that their
    templates and carriers are read together (`load_shipping`), not shop by shop.
    """
    return _Quoter(resolve_province(province), frozenset(insure_shops))


class _Quoter:
    def __init__(self, province: str, insure_shops: frozenset):
        self.province = province
        self.insure_shops = insure_shops
        self.loaded: dict[int, tuple[set, ShopShipping]] = {}

    @staticmethod
    def _wanted(lines: Sequence[QuoteLine]) -> set:
        return {line.shipping_template_id for line in lines if line.shipping_template_id}

    def prepare(self, lines_by_shop: Mapping[int, Sequence[QuoteLine]]) -> None:
        wanted = {shop_id: self._wanted(lines) for shop_id, lines in lines_by_shop.items()}
        for shop_id, loaded in load_shipping(wanted).items():
            self.loaded[shop_id] = (wanted[shop_id], loaded)

    def __call__(self, *, shop_id: int, lines: Sequence[QuoteLine]) -> ShippingQuote:
        prepared, loaded = self.loaded.get(shop_id, (set(), None))
        if loaded is not None and not self._wanted(lines) <= prepared:
            loaded = None  # lines naming templates not prepared: read this shop again
        return quote_for_shop(
            shop_id=shop_id,
            province=self.province,
            lines=lines,
            insure=shop_id in self.insure_shops,
            loaded=loaded,
        )
