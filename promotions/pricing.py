"""The price engine (DESIGN §4, SPEC §4.3): the one place a price is computed.

    priced = price_lines(
        [PricingLine(sku_id=7, shop_id=1, quantity=2, current_price=Decimal("59.00"),
                     added_price=Decimal("49.00"), weight_kg=Decimal("0.8"))],
        buyer=user,                      # passed through to promotions (audiences); may be None
        moment=timezone.now(),           # an aware datetime: which promotions are running
        shipping_quoter=quoter,          # quoter(shop_id=..., lines=(QuoteLine, ...)) -> quote
        promotions=(),                   # objects following the `Promotion` protocol below
    )
    priced.grand_total, priced.shops[0].shipping, priced.lines[0].price_changed

A pure function of plain dataclasses: no database, no clock, no request. The cart, checkout, orders
and refunds all call it; nothing else computes a price.

Stacking, in SPEC §4.3's fixed order (`Stage`):
  1. ITEM            at most one item-level discount per line (the best), per unit;
  2. THRESHOLD       the best order-level threshold promotion per shop (满减, spend-X-get-%-off);
  3. SHOP_COUPON     one shop coupon per shop (the best of those offered);
  4. PLATFORM_COUPON one platform coupon per cart (the best of those offered).
Each stage sees the amounts left after the stages before it. An order-level discount is capped at
what is left of the lines it applies to, and allocated back to those lines in proportion to what
is left on each, in minor units, by largest remainder (`marketplace.core.money.allocate`): the
lines' shares add up to the discount exactly, so a refund of one line returns exactly what was paid
for it (`PricedLine.refund_for_units` splits a line over its units the same way).

Shipping: the injected quoter is called once per shop with the lines' unit prices after item-level
discounts (free-shipping thresholds judge the goods value after item discounts, before order-level
ones). A shop that does not deliver to the destination is priced with no shipping and marked
`deliverable=False` with the refusal; the cart can still show it, checkout must refuse it
(`PricedCart.raise_if_not_deliverable()`).

Prices: `current_price` is what the line costs now and what is charged; `added_price` (the price
when the line went into the cart, when known) only flags a change (`price_changed`).

Rounding: half-up to the currency's minor unit, through `marketplace.core.money`; never float.

The promotions chapter adds promotions by implementing the `Promotion` protocol: a `stage` and an
`offer(scope, *, buyer, moment)` returning an `ItemOffer` (stage ITEM, scope a `LineView`) or an
`OrderOffer` (other stages; scope a `ShopView`, or a `CartView` for PLATFORM_COUPON), or None when
it does not apply. Shop-scoped promotions set `shop_id` so they are asked only about their shop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Any, Protocol

from django.utils.translation import gettext as _

from logistics.errors import NotDeliverable
from logistics.quote import QuoteLine, ShippingQuote
from marketplace.core.errors import DomainError
from marketplace.core.money import (
    DEFAULT_CURRENCY,
    ZERO,
    allocate,
    as_decimal,
    format_amount,
    quantize,
    to_minor,
)


class PricingError(DomainError):
    """A cart line the engine cannot price (bad quantity, negative price, mixed currencies)."""


class Stage(IntEnum):
    """Where a discount stacks (SPEC §4.3), in the order the engine applies them."""

    ITEM = 1
    THRESHOLD = 2
    SHOP_COUPON = 3
    PLATFORM_COUPON = 4


class Funder(StrEnum):
    """Who pays for a discount: the shop (it lowers the shop's sale) or the platform."""

    SHOP = "shop"
    PLATFORM = "platform"


# --- Inputs ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PricingLine:
    """One cart or order line, as plain values. Weight in kg, volume in m³ (per unit)."""

    sku_id: int
    shop_id: int
    quantity: int
    current_price: Decimal
    added_price: Decimal | None = None
    weight_kg: Decimal = ZERO
    volume_m3: Decimal = ZERO
    product_id: int | None = None
    category_id: int | None = None
    shipping_template_id: int | None = None
    currency: str = DEFAULT_CURRENCY
    title: str = ""


@dataclass(frozen=True)
class ItemOffer:
    """An item-level discount: `unit_amount` off each unit of the line."""

    unit_amount: Decimal
    source: str  # a stable id, e.g. "promotion:12"
    label: str  # what the buyer reads, e.g. "Spring sale: 10% off"
    funder: Funder = Funder.SHOP


@dataclass(frozen=True)
class OrderOffer:
    """An order-level discount of `amount` over some lines (`positions`; None: all in scope)."""

    amount: Decimal
    source: str
    label: str
    funder: Funder = Funder.SHOP
    positions: tuple[int, ...] | None = None


@dataclass(frozen=True)
class LineView:
    """A line as a promotion sees it at its stage: `amount` is what is left to pay for it."""

    position: int
    line: PricingLine
    unit_price: Decimal  # after the item-level discount
    amount: Decimal  # unit_price × quantity minus order-level discounts so far


@dataclass(frozen=True)
class ShopView:
    shop_id: int
    lines: tuple[LineView, ...]

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def quantity(self) -> int:
        return sum(line.line.quantity for line in self.lines)


@dataclass(frozen=True)
class CartView:
    shops: tuple[ShopView, ...]

    @property
    def lines(self) -> tuple[LineView, ...]:
        return tuple(line for shop in self.shops for line in shop.lines)

    @property
    def amount(self) -> Decimal:
        return sum((shop.amount for shop in self.shops), ZERO)


class Promotion(Protocol):
    """What the promotions chapter implements (see the module docstring)."""

    stage: Stage

    def offer(self, scope: Any, *, buyer: Any, moment: datetime) -> ItemOffer | OrderOffer | None:
        """The offer for `scope` (LineView, ShopView or CartView by stage), or None."""


ShippingQuoter = Callable[..., ShippingQuote]  # quoter(*, shop_id, lines) -> ShippingQuote


# --- Outputs --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Discount:
    stage: Stage
    source: str
    funder: Funder
    amount: Decimal  # positive: the amount taken off
    label: str


@dataclass(frozen=True)
class PricedLine:
    position: int
    line: PricingLine
    list_price: Decimal  # the current price per unit, before discounts
    unit_price: Decimal  # per unit after the item-level discount
    subtotal: Decimal  # list_price × quantity
    discounts: tuple[Discount, ...]  # the item discount and this line's shares of order-level ones
    line_total: Decimal  # what is paid for the line (goods only): subtotal − discounts
    price_changed: bool
    previous_price: Decimal | None
    explanation: tuple[str, ...]

    @property
    def sku_id(self) -> int:
        return self.line.sku_id

    @property
    def shop_id(self) -> int:
        return self.line.shop_id

    @property
    def quantity(self) -> int:
        return self.line.quantity

    @property
    def discount_total(self) -> Decimal:
        return sum((discount.amount for discount in self.discounts), ZERO)

    def discount_by(self, funder: Funder) -> Decimal:
        return sum((d.amount for d in self.discounts if d.funder == funder), ZERO)

    def refund_for_units(self, units: int, *, already_refunded_units: int = 0) -> Decimal:
        """What refunding `units` more units of this line returns (see `refund_for_units`)."""
        return refund_for_units(
            self.line_total,
            quantity=self.quantity,
            units=units,
            already_refunded_units=already_refunded_units,
            currency=self.line.currency,
        )


@dataclass(frozen=True)
class PricedShop:
    shop_id: int
    lines: tuple[PricedLine, ...]
    subtotal: Decimal  # the lines' subtotals (list prices)
    discounts: tuple[Discount, ...]  # every discount on this shop's lines, whole per source
    discount_total: Decimal
    merchandise_total: Decimal  # subtotal − discount_total = sum of line totals
    shipping: Decimal  # from the quote (with insurance when insured); zero when not deliverable
    shipping_quote: ShippingQuote | None
    deliverable: bool
    refusal: str  # why not deliverable ("" when it is)
    total: Decimal  # merchandise_total + shipping
    explanation: tuple[str, ...]


@dataclass(frozen=True)
class PricedCart:
    currency: str
    moment: datetime
    shops: tuple[PricedShop, ...]
    subtotal: Decimal
    discount_total: Decimal
    shipping_total: Decimal
    grand_total: Decimal
    explanation: tuple[str, ...]

    @property
    def lines(self) -> tuple[PricedLine, ...]:
        return tuple(line for shop in self.shops for line in shop.lines)

    @property
    def deliverable(self) -> bool:
        return all(shop.deliverable for shop in self.shops)

    @property
    def price_changes(self) -> tuple[PricedLine, ...]:
        return tuple(line for line in self.lines if line.price_changed)

    def shop(self, shop_id: int) -> PricedShop:
        for shop in self.shops:
            if shop.shop_id == shop_id:
                return shop
        raise KeyError(shop_id)

    def raise_if_not_deliverable(self) -> None:
        """Checkout's guard: a NotDeliverable-style DomainError for the first refusing shop."""
        for shop in self.shops:
            if not shop.deliverable:
                raise PricingError(shop.refusal, code="not_deliverable", field="address")


# --- Helpers --------------------------------------------------------------------------------------
def allocate_discount(amount: Decimal, weights: Sequence[Decimal], currency: str) -> list[Decimal]:
    """`amount` split over `weights` (what is left on each line), exactly, by largest remainder.

    The allocation helper of SPEC §4.3; see `marketplace.core.money.allocate` for the guarantees.
    """
    return allocate(amount, weights, currency)


def refund_for_units(
    line_total: Decimal,
    *,
    quantity: int,
    units: int,
    already_refunded_units: int = 0,
    currency: str = DEFAULT_CURRENCY,
) -> Decimal:
    """The refund for `units` more units of a line that cost `line_total` for `quantity` units.

    The line is split over its units by largest remainder (¥10.00 over 3 units: 3.34, 3.33, 3.33)
    and units are refunded in that order, so refunds in several steps add up to `line_total`
    exactly when every unit has come back.
    """
    if units < 0 or already_refunded_units < 0 or already_refunded_units + units > quantity:
        raise PricingError(_("Cannot refund more units than were bought."), code="invalid_refund")
    shares = allocate(line_total, [1] * quantity, currency)
    return quantize(
        sum(shares[already_refunded_units : already_refunded_units + units], ZERO), currency
    )


@dataclass
class _LineState:
    position: int
    line: PricingLine
    list_price: Decimal
    unit_price: Decimal
    discounts: list[Discount] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return self.list_price * self.line.quantity

    @property
    def amount(self) -> Decimal:
        order_level = sum((d.amount for d in self.discounts if d.stage != Stage.ITEM), ZERO)
        return self.unit_price * self.line.quantity - order_level

    def view(self) -> LineView:
        return LineView(self.position, self.line, self.unit_price, self.amount)


def _check(lines: Sequence[PricingLine], moment: datetime) -> str:
    if moment.tzinfo is None:
        raise PricingError(_("The pricing moment must carry a time zone."), code="naive_moment")
    currencies = {line.currency for line in lines}
    if len(currencies) > 1:
        raise PricingError(_("One cart cannot mix currencies."), code="mixed_currencies")
    for line in lines:
        if (
            not isinstance(line.quantity, int)
            or isinstance(line.quantity, bool)
            or line.quantity < 1
        ):
            raise PricingError(
                _("Quantities must be whole numbers above zero."),
                code="invalid_quantity",
                field="quantity",
            )
        if as_decimal(line.current_price) < 0:
            raise PricingError(_("A price cannot be negative."), code="invalid_price")
    return currencies.pop() if currencies else DEFAULT_CURRENCY


def _best(offers, key):
    offers = [offer for offer in offers if offer is not None]
    best = None
    for offer in offers:  # the first of equal offers wins, so the result does not depend on sets
        if best is None or key(offer) > key(best):
            best = offer
    return best


def _asks(promotion, shop_id) -> bool:
    wanted = getattr(promotion, "shop_id", None)
    return wanted is None or wanted == shop_id


def _apply_item_stage(states, promotions, *, buyer, moment, currency) -> None:
    item_promotions = [p for p in promotions if p.stage == Stage.ITEM]
    if not item_promotions:
        return
    for state in states:
        offers = []
        for promotion in item_promotions:
            if not _asks(promotion, state.line.shop_id):
                continue
            offer = promotion.offer(state.view(), buyer=buyer, moment=moment)
            if offer is not None:
                unit_amount = min(quantize(offer.unit_amount, currency), state.list_price)
                if unit_amount > 0:
                    offers.append((unit_amount, offer))
        best = _best(offers, key=lambda pair: pair[0])
        if best is None:
            continue
        unit_amount, offer = best
        state.unit_price = state.list_price - unit_amount
        state.discounts.append(
            Discount(
                stage=Stage.ITEM,
                source=offer.source,
                funder=Funder(offer.funder),
                amount=quantize(unit_amount * state.line.quantity, currency),
                label=offer.label,
            )
        )


def _apply_order_offer(stage, offer, candidates, *, currency) -> Decimal:
    """Allocate `offer` over `candidates` (line states); returns the amount actually applied."""
    if offer.positions is not None:
        wanted = set(offer.positions)
        candidates = [state for state in candidates if state.position in wanted]
    candidates = [state for state in candidates if state.amount > 0]
    available = sum((state.amount for state in candidates), ZERO)
    amount = min(quantize(offer.amount, currency), available)
    if amount <= 0:
        return ZERO
    shares = allocate_discount(amount, [to_minor(s.amount, currency) for s in candidates], currency)
    for state, share in zip(candidates, shares, strict=True):
        if share > 0:
            state.discounts.append(
                Discount(stage, offer.source, Funder(offer.funder), share, offer.label)
            )
    return amount


def _effective(offer: OrderOffer, candidates, currency) -> Decimal:
    if offer.positions is not None:
        wanted = set(offer.positions)
        candidates = [state for state in candidates if state.position in wanted]
    available = sum((state.amount for state in candidates if state.amount > 0), ZERO)
    return min(quantize(offer.amount, currency), available)


def _apply_order_stage(stage, scopes, promotions, *, buyer, moment, currency) -> None:
    """`scopes`: (shop_id or None, line states, view) — the best offer per scope is applied."""
    stage_promotions = [p for p in promotions if p.stage == stage]
    if not stage_promotions:
        return
    for shop_id, states, view in scopes:
        offers = []
        for promotion in stage_promotions:
            if shop_id is not None and not _asks(promotion, shop_id):
                continue
            offer = promotion.offer(view(), buyer=buyer, moment=moment)
            if offer is not None:
                offers.append((_effective(offer, states, currency), offer))
        best = _best(offers, key=lambda pair: pair[0])
        if best is not None and best[0] > 0:
            _apply_order_offer(stage, best[1], states, currency=currency)


def _line_explanation(state: _LineState, currency: str) -> tuple[str, ...]:
    line = state.line
    notes = [
        _("%(price)s × %(quantity)s = %(subtotal)s")
        % {
            "price": format_amount(line.current_price, currency),
            "quantity": line.quantity,
            "subtotal": format_amount(state.subtotal, currency),
        }
    ]
    if line.added_price is not None and as_decimal(line.added_price) != line.current_price:
        notes.append(
            _("The price changed from %(before)s to %(now)s since you added it.")
            % {
                "before": format_amount(line.added_price, currency),
                "now": format_amount(line.current_price, currency),
            }
        )
    for discount in state.discounts:
        notes.append(
            _("You save %(amount)s: %(label)s.")
            % {"amount": format_amount(discount.amount, currency), "label": discount.label}
        )
    return tuple(notes)


def _merge_discounts(lines: Sequence[PricedLine], currency: str) -> tuple[Discount, ...]:
    """Line discounts summed back per source, in stacking order."""
    merged: dict[tuple[Stage, str], Discount] = {}
    for line in lines:
        for discount in line.discounts:
            key = (discount.stage, discount.source)
            if key in merged:
                previous = merged[key]
                merged[key] = Discount(
                    previous.stage,
                    previous.source,
                    previous.funder,
                    quantize(previous.amount + discount.amount, currency),
                    previous.label,
                )
            else:
                merged[key] = discount
    return tuple(sorted(merged.values(), key=lambda d: d.stage))


def _quote(shipping_quoter, shop_id, states) -> tuple[ShippingQuote | None, str]:
    lines = tuple(
        QuoteLine(
            quantity=state.line.quantity,
            unit_price=state.unit_price,
            weight_kg=as_decimal(state.line.weight_kg),
            volume_m3=as_decimal(state.line.volume_m3),
            shipping_template_id=state.line.shipping_template_id,
            sku_id=state.line.sku_id,
        )
        for state in states
    )
    try:
        return shipping_quoter(shop_id=shop_id, lines=lines), ""
    except NotDeliverable as refusal:
        return None, str(refusal.message)


# --- The engine -----------------------------------------------------------------------------------
def price_lines(
    lines: Sequence[PricingLine],
    *,
    buyer: Any,
    moment: datetime,
    shipping_quoter: ShippingQuoter,
    promotions: Sequence[Promotion] = (),
) -> PricedCart:
    """Price `lines` for `buyer` at `moment`. See the module docstring."""
    currency = _check(lines, moment)
    states = [
        _LineState(
            position,
            line,
            quantize(line.current_price, currency),
            quantize(line.current_price, currency),
        )
        for position, line in enumerate(lines)
    ]
    shop_ids = list(dict.fromkeys(line.shop_id for line in lines))  # first-seen order
    by_shop = {shop_id: [s for s in states if s.line.shop_id == shop_id] for shop_id in shop_ids}

    def shop_view(shop_id):
        return ShopView(shop_id, tuple(state.view() for state in by_shop[shop_id]))

    # 1. item level, 2. threshold, 3. shop coupon (per shop), 4. platform coupon (per cart)
    _apply_item_stage(states, promotions, buyer=buyer, moment=moment, currency=currency)
    shop_scopes = [
        (shop_id, by_shop[shop_id], lambda shop_id=shop_id: shop_view(shop_id))
        for shop_id in shop_ids
    ]
    for stage in (Stage.THRESHOLD, Stage.SHOP_COUPON):
        _apply_order_stage(
            stage, shop_scopes, promotions, buyer=buyer, moment=moment, currency=currency
        )
    cart_scope = [(None, states, lambda: CartView(tuple(shop_view(s) for s in shop_ids)))]
    _apply_order_stage(
        Stage.PLATFORM_COUPON, cart_scope, promotions, buyer=buyer, moment=moment, currency=currency
    )

    priced_shops = []
    for shop_id in shop_ids:
        shop_states = by_shop[shop_id]
        priced_lines = tuple(
            PricedLine(
                position=state.position,
                line=state.line,
                list_price=state.list_price,
                unit_price=quantize(state.unit_price, currency),
                subtotal=quantize(state.subtotal, currency),
                discounts=tuple(state.discounts),
                line_total=quantize(
                    state.subtotal - sum((d.amount for d in state.discounts), ZERO), currency
                ),
                price_changed=state.line.added_price is not None
                and as_decimal(state.line.added_price) != state.line.current_price,
                previous_price=(
                    quantize(state.line.added_price, currency)
                    if state.line.added_price is not None
                    else None
                ),
                explanation=_line_explanation(state, currency),
            )
            for state in shop_states
        )
        subtotal = quantize(sum((line.subtotal for line in priced_lines), ZERO), currency)
        merchandise = quantize(sum((line.line_total for line in priced_lines), ZERO), currency)
        discounts = _merge_discounts(priced_lines, currency)
        quote, refusal = _quote(shipping_quoter, shop_id, shop_states)
        shipping = quantize(quote.fee if quote is not None else ZERO, currency)
        notes = list(quote.explanation) if quote is not None else [refusal]
        priced_shops.append(
            PricedShop(
                shop_id=shop_id,
                lines=priced_lines,
                subtotal=subtotal,
                discounts=discounts,
                discount_total=quantize(subtotal - merchandise, currency),
                merchandise_total=merchandise,
                shipping=shipping,
                shipping_quote=quote,
                deliverable=quote is not None,
                refusal=refusal,
                total=quantize(merchandise + shipping, currency),
                explanation=tuple(notes),
            )
        )

    subtotal = quantize(sum((shop.subtotal for shop in priced_shops), ZERO), currency)
    discount_total = quantize(sum((shop.discount_total for shop in priced_shops), ZERO), currency)
    shipping_total = quantize(sum((shop.shipping for shop in priced_shops), ZERO), currency)
    explanation = []
    if discount_total > 0:
        explanation.append(
            _("You save %(amount)s in total.") % {"amount": format_amount(discount_total, currency)}
        )
    return PricedCart(
        currency=currency,
        moment=moment,
        shops=tuple(priced_shops),
        subtotal=subtotal,
        discount_total=discount_total,
        shipping_total=shipping_total,
        grand_total=quantize(subtotal - discount_total + shipping_total, currency),
        explanation=tuple(explanation),
    )
