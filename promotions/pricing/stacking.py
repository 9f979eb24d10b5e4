"""The stacking pipeline (SPEC §4.3): each stage sees the amounts left after the stages before it.

    states = [LineState(position, line, list_price, unit_price), ...]
    apply_item_stage(states, promotions, ...)             # 1. the best item discount per line
    apply_order_stage(stage, scopes, promotions, ...)     # 2.-4. the best order-level offer per
                                                          #    scope (a shop, or the whole cart)

An order-level offer is capped at what is left of the lines it names and allocated over them in
proportion to what is left on each (`allocation.allocate_discount`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from marketplace.core.money import DEFAULT_CURRENCY, ZERO, as_decimal, quantize, to_minor
from promotions.pricing.allocation import allocate_discount
from promotions.pricing.inputs import (
    Funder,
    LineView,
    OrderOffer,
    PricingError,
    PricingLine,
    Stage,
)
from promotions.pricing.outputs import Discount


@dataclass
class LineState:
    """A line while the stages run: its unit price so far and the discounts it has got."""

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


def check_lines(lines: Sequence[PricingLine], moment: datetime) -> str:
    """The lines' one currency, or a `PricingError` for what cannot be priced."""
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


def apply_item_stage(states, promotions, *, buyer, moment, currency) -> None:
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


def apply_order_stage(stage, scopes, promotions, *, buyer, moment, currency) -> None:
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
