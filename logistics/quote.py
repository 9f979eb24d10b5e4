"""Shipping fees from shipping templates: pure maths over plain values (SPEC §4.5).

Nothing here reads the database. `logistics.services.quote_for_shop` loads a shop's templates and
carriers and calls these functions; the price engine (`promotions.pricing`) calls that service
through an injected quoter.

    snapshot = template.snapshot()                     # or a TemplateSnapshot built by hand
    quote = quote_shipping(snapshot, province="330000", lines=[QuoteLine(quantity=2, ...)])
    quote.fee            # Decimal: shipping (+ insurance when insured), rounded to the minor unit
    quote.explanation    # ("By weight to Zhejiang: …", "Free shipping: …")

Units: pieces (int), weight in kilograms, volume in cubic metres, prices in the template's
currency. A destination the template refuses raises `NotDeliverable` naming the province.

How a fee is computed, for one template
  1. billable units: pieces, or the sum of weight × quantity, or of volume × quantity;
  2. the rule whose provinces include the destination, else the template's default rate;
  3. fee = first fee (covers the first `first_units`) + ⌈(units − first_units) / extra_units⌉ ×
     extra fee; a parcel of zero weight still pays the first fee;
  4. free when the goods value reaches the template's amount threshold, or the pieces reach its
     quantity threshold (either one), unless the matched rule opts out of free shipping
     (typically the remote regions).

Several templates in one parcel (one shop's order whose products use different templates):
  the usual marketplace rule: the largest first fee among the templates that charge is paid once,
  with that template's extra fees; the goods of every other template pay only extra fees,
  ⌈units / extra_units⌉ × extra fee. Free-shipping thresholds are judged per template.

Insurance (optional, when the buyer asks and a template offers it): rate × goods value of the
templates that offer it, at least the largest of their minimums.

Fallback when a product has no template and the shop has no default: `flat_rate_template()`,
`FLAT_RATE` (¥10.00) per parcel to every province, no free shipping, no insurance.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from logistics.errors import ErrorCode, LogisticsError, NotDeliverable
from logistics.regions import is_region_code, region_name
from marketplace.core.money import DEFAULT_CURRENCY, ZERO, as_decimal, format_amount, quantize

FLAT_RATE = Decimal("10.00")


class Basis(models.TextChoices):
    PIECE = "piece", gettext_lazy("By piece")
    WEIGHT = "weight", gettext_lazy("By weight (kg)")
    VOLUME = "volume", gettext_lazy("By volume (m³)")


# --- Inputs ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rate:
    """First-unit and extra-unit fees: `first_fee` covers `first_units`, then `extra_fee` per
    `extra_units` started. Units are pieces, kg or m³ by the template's basis."""

    first_units: Decimal
    first_fee: Decimal
    extra_units: Decimal
    extra_fee: Decimal

    def __post_init__(self):
        for name in ("first_units", "first_fee", "extra_units", "extra_fee"):
            object.__setattr__(self, name, as_decimal(getattr(self, name)))

    def extra_steps(self, units: Decimal) -> int:
        """How many extra units are started beyond the first units."""
        beyond = units - self.first_units
        if beyond <= 0:
            return 0
        return math.ceil(beyond / self.extra_units)

    def steps_from_zero(self, units: Decimal) -> int:
        """How many extra units `units` start when no first fee is paid (secondary templates)."""
        if units <= 0:
            return 0
        return math.ceil(units / self.extra_units)


@dataclass(frozen=True)
class RuleSnapshot:
    """A rate for a set of destination provinces."""

    provinces: frozenset[str]
    rate: Rate
    free_shipping_applies: bool = True
    label: str = ""


@dataclass(frozen=True)
class TemplateSnapshot:
    """A shipping template as plain values (`ShippingTemplate.snapshot()` builds one)."""

    id: int | None
    name: str
    basis: str
    default_rate: Rate
    rules: tuple[RuleSnapshot, ...] = ()
    non_deliverable: frozenset[str] = frozenset()
    free_over_amount: Decimal | None = None
    free_over_quantity: int | None = None
    insurance_rate: Decimal | None = None  # a fraction: Decimal("0.005") is 0.5 %
    insurance_minimum: Decimal = ZERO
    currency: str = DEFAULT_CURRENCY
    shop_id: int | None = None
    is_flat_rate: bool = False

    def rule_for(self, province: str) -> RuleSnapshot | None:
        for rule in self.rules:
            if province in rule.provinces:
                return rule
        return None

    @property
    def offers_insurance(self) -> bool:
        return self.insurance_rate is not None and self.insurance_rate > 0


@dataclass(frozen=True)
class QuoteLine:
    """One cart or order line as shipping sees it. `unit_price` is what the buyer pays per unit
    for the goods (used for free-shipping thresholds and insurance)."""

    quantity: int
    unit_price: Decimal = ZERO
    weight_kg: Decimal = ZERO
    volume_m3: Decimal = ZERO
    shipping_template_id: int | None = None
    sku_id: int | None = None


@dataclass(frozen=True)
class CarrierOption:
    """A carrier the shop ships with, offered with the quote."""

    id: int
    code: str
    name: str
    is_default: bool = False
    simulated: bool = False


# --- Output ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QuotePart:
    """What one template charges for its goods in the parcel."""

    template_id: int | None
    template_name: str
    basis: str
    rule_label: str  # "" when the template's default rate applied
    rate: Rate
    units: Decimal
    pieces: int
    goods_value: Decimal
    free: bool
    fee: Decimal  # after combining: what this template's goods pay
    insurance_rate: Decimal | None
    insurance_minimum: Decimal


@dataclass(frozen=True)
class ShippingQuote:
    currency: str
    province: str
    shipping_fee: Decimal
    insurance_fee: Decimal  # charged: zero unless insured
    fee: Decimal  # shipping_fee + insurance_fee
    insured: bool
    insurance_offer: Decimal | None  # what insurance would cost, None when not offered
    free_shipping: bool
    carriers: tuple[CarrierOption, ...] = ()
    explanation: tuple[str, ...] = ()
    parts: tuple[QuotePart, ...] = field(default=(), repr=False)
    flat_rate: bool = False

    @property
    def template_ids(self) -> tuple[int | None, ...]:
        return tuple(part.template_id for part in self.parts)

    @property
    def default_carrier(self) -> CarrierOption | None:
        for carrier in self.carriers:
            if carrier.is_default:
                return carrier
        return self.carriers[0] if self.carriers else None


# --- Helpers --------------------------------------------------------------------------------------
def _units_text(units: Decimal, basis: str) -> str:
    text = format(units.normalize(), "f") if units else "0"
    if basis == Basis.WEIGHT:
        return _("%(units)s kg") % {"units": text}
    if basis == Basis.VOLUME:
        return _("%(units)s m³") % {"units": text}
    return _("%(units)s pcs") % {"units": text}


def _check_lines(lines: Sequence[QuoteLine]) -> None:
    for line in lines:
        quantity = line.quantity
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
            raise LogisticsError(
                _("Quantities must be whole numbers above zero."), code=ErrorCode.INVALID_LINE
            )
        for value in (line.unit_price, line.weight_kg, line.volume_m3):
            if as_decimal(value) < 0:
                raise LogisticsError(
                    _("Prices, weights and volumes cannot be negative."),
                    code=ErrorCode.INVALID_LINE,
                )


def check_province(province: str) -> None:
    if not province or not is_region_code(province):
        raise LogisticsError(
            _("Unknown destination province %(code)s.") % {"code": province or "—"},
            code=ErrorCode.UNKNOWN_REGION,
            field="province",
        )


def billable_units(basis: str, lines: Iterable[QuoteLine]) -> Decimal:
    if basis == Basis.WEIGHT:
        return sum((as_decimal(line.weight_kg) * line.quantity for line in lines), ZERO)
    if basis == Basis.VOLUME:
        return sum((as_decimal(line.volume_m3) * line.quantity for line in lines), ZERO)
    return Decimal(sum(line.quantity for line in lines))


def flat_rate_template(
    amount: Decimal = FLAT_RATE, currency: str = DEFAULT_CURRENCY
) -> TemplateSnapshot:
    """The fallback: `amount` per parcel to every province (documented in the module docstring)."""
    return TemplateSnapshot(
        id=None,
        name=_("Flat rate"),
        basis=Basis.PIECE,
        default_rate=Rate(Decimal(1), quantize(amount, currency), Decimal(1), ZERO),
        currency=currency,
        is_flat_rate=True,
    )


def _as_snapshot(template) -> TemplateSnapshot:
    if isinstance(template, TemplateSnapshot):
        return template
    return template.snapshot()


# --- The quote ------------------------------------------------------------------------------------
def _price_part(snapshot: TemplateSnapshot, province: str, lines: Sequence[QuoteLine]):
    """(rule, units, pieces, goods value, free?, notes) for one template, or NotDeliverable."""
    if province in snapshot.non_deliverable:
        raise NotDeliverable(province)
    rule = snapshot.rule_for(province)
    rate = rule.rate if rule else snapshot.default_rate
    units = billable_units(snapshot.basis, lines)
    pieces = sum(line.quantity for line in lines)
    goods_value = quantize(
        sum((as_decimal(line.unit_price) * line.quantity for line in lines), ZERO),
        snapshot.currency,
    )
    reached = []
    if snapshot.free_over_amount is not None and goods_value >= snapshot.free_over_amount:
        reached.append(
            _("goods of %(value)s reach the %(threshold)s threshold")
            % {
                "value": format_amount(goods_value, snapshot.currency),
                "threshold": format_amount(snapshot.free_over_amount, snapshot.currency),
            }
        )
    if snapshot.free_over_quantity is not None and pieces >= snapshot.free_over_quantity:
        reached.append(
            _("%(pieces)s pieces reach the %(threshold)s-piece threshold")
            % {"pieces": pieces, "threshold": snapshot.free_over_quantity}
        )
    notes: list[str] = []
    free = False
    if reached:
        if rule is None or rule.free_shipping_applies:
            free = True
            notes.append(_("Free shipping: %(reason)s.") % {"reason": "; ".join(reached)})
        else:
            notes.append(
                _("Free shipping does not apply to %(province)s.")
                % {"province": region_name(province)}
            )
    return rule, rate, units, pieces, goods_value, free, notes


def quote_combined(
    groups: Sequence[tuple[TemplateSnapshot | object, Sequence[QuoteLine]]],
    *,
    province: str,
    carriers: Sequence[CarrierOption] = (),
    insure: bool = False,
) -> ShippingQuote:
    """One parcel's quote from several (template, lines) groups. See the module docstring."""
    check_province(province)
    snapshots = [(_as_snapshot(template), list(lines)) for template, lines in groups if lines]
    for _snapshot, lines in snapshots:
        _check_lines(lines)
    currencies = {snapshot.currency for snapshot, _lines in snapshots}
    if len(currencies) > 1:
        raise LogisticsError(
            _("One parcel cannot mix templates in different currencies."),
            code=ErrorCode.INVALID_TEMPLATE,
        )
    currency = currencies.pop() if currencies else DEFAULT_CURRENCY
    destination = region_name(province)

    priced = [(snapshot, *_price_part(snapshot, province, lines)) for snapshot, lines in snapshots]

    charging = [index for index, row in enumerate(priced) if not row[6]]
    leader = max(charging, key=lambda index: (priced[index][2].first_fee, -index), default=None)

    parts: list[QuotePart] = []
    explanation: list[str] = []
    for index, (snapshot, rule, rate, units, pieces, goods_value, free, notes) in enumerate(priced):
        units_text = _units_text(units, snapshot.basis)
        where = destination
        if free:
            fee = ZERO
        elif index == leader:
            steps = rate.extra_steps(units)
            fee = rate.first_fee + steps * rate.extra_fee
            explanation.append(
                _(
                    "%(template)s, %(units)s to %(where)s: first %(first_units)s %(first_fee)s"
                    " + %(steps)s × %(extra_units)s at %(extra_fee)s = %(fee)s."
                )
                % {
                    "template": snapshot.name,
                    "units": units_text,
                    "where": where,
                    "first_units": _units_text(rate.first_units, snapshot.basis),
                    "first_fee": format_amount(rate.first_fee, currency),
                    "steps": steps,
                    "extra_units": _units_text(rate.extra_units, snapshot.basis),
                    "extra_fee": format_amount(rate.extra_fee, currency),
                    "fee": format_amount(fee, currency),
                }
            )
        else:
            steps = rate.steps_from_zero(units)
            fee = steps * rate.extra_fee
            explanation.append(
                _(
                    "%(template)s, %(units)s to %(where)s: extra fees only, as one parcel"
                    " (%(steps)s × %(extra_units)s at %(extra_fee)s = %(fee)s)."
                )
                % {
                    "template": snapshot.name,
                    "units": units_text,
                    "where": where,
                    "steps": steps,
                    "extra_units": _units_text(rate.extra_units, snapshot.basis),
                    "extra_fee": format_amount(rate.extra_fee, currency),
                    "fee": format_amount(fee, currency),
                }
            )
        explanation.extend(notes)
        parts.append(
            QuotePart(
                template_id=snapshot.id,
                template_name=snapshot.name,
                basis=snapshot.basis,
                rule_label=rule.label if rule else "",
                rate=rate,
                units=units,
                pieces=pieces,
                goods_value=goods_value,
                free=free,
                fee=quantize(fee, currency),
                insurance_rate=snapshot.insurance_rate if snapshot.offers_insurance else None,
                insurance_minimum=snapshot.insurance_minimum,
            )
        )

    shipping_fee = quantize(sum((part.fee for part in parts), ZERO), currency)

    insuring = [part for part in parts if part.insurance_rate is not None]
    insurance_offer = None
    if insuring:
        premium = sum((part.insurance_rate * part.goods_value for part in insuring), ZERO)
        minimum = max(part.insurance_minimum for part in insuring)
        insurance_offer = quantize(max(premium, minimum), currency)
    insured = bool(insure and insurance_offer is not None)
    insurance_fee = insurance_offer if insured else quantize(ZERO, currency)
    if insured:
        explanation.append(
            _("Shipping insurance: %(fee)s.") % {"fee": format_amount(insurance_fee, currency)}
        )
    elif insure:
        explanation.append(_("This shop does not offer shipping insurance."))
    if not parts:
        explanation.append(_("Nothing to ship."))

    flat = bool(parts) and all(snapshot.is_flat_rate for snapshot, _lines in snapshots)
    if flat:
        explanation.insert(
            0,
            _("The shop has no shipping template for these goods: a flat rate applies."),
        )
    return ShippingQuote(
        currency=currency,
        province=province,
        shipping_fee=shipping_fee,
        insurance_fee=insurance_fee,
        fee=quantize(shipping_fee + insurance_fee, currency),
        insured=insured,
        insurance_offer=insurance_offer,
        free_shipping=bool(parts) and shipping_fee == 0,
        carriers=tuple(carriers),
        explanation=tuple(explanation),
        parts=tuple(parts),
        flat_rate=flat,
    )


def quote_shipping(
    template,
    *,
    province: str,
    lines: Sequence[QuoteLine],
    carriers: Sequence[CarrierOption] = (),
    insure: bool = False,
) -> ShippingQuote:
    """The quote for `lines` shipped to `province` under one template (a snapshot or a model
    instance with `.snapshot()`). Raises `NotDeliverable` for a province the template refuses,
    `LogisticsError` for an unknown province or a bad line."""
    return quote_combined([(template, lines)], province=province, carriers=carriers, insure=insure)
