"""`price_lines`: the engine itself. Checks the lines, runs the stacking stages, quotes each shop's
parcel, and adds up lines, shops and cart (see the `promotions.pricing` docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from logistics.errors import NotDeliverable
from logistics.quote import QuoteLine, ShippingQuote
from marketplace.core.money import ZERO, as_decimal, quantize
from promotions.pricing.explanations import cart_explanation, line_explanation
from promotions.pricing.inputs import (
    CartView,
    PricingLine,
    Promotion,
    ShippingQuoter,
    ShopView,
    Stage,
)
from promotions.pricing.outputs import Discount, PricedCart, PricedLine, PricedShop
from promotions.pricing.stacking import (
    LineState,
    apply_item_stage,
    apply_order_stage,
    check_lines,
)


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


def _quote_lines(states) -> tuple[QuoteLine, ...]:
    return tuple(
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


def _quote(shipping_quoter, shop_id, lines) -> tuple[ShippingQuote | None, str]:
    try:
        return shipping_quoter(shop_id=shop_id, lines=lines), ""
    except NotDeliverable as refusal:
        return None, str(refusal.message)


def price_lines(
    lines: Sequence[PricingLine],
    *,
    buyer: Any,
    moment: datetime,
    shipping_quoter: ShippingQuoter,
    promotions: Sequence[Promotion] = (),
) -> PricedCart:
    """Price `lines` for `buyer` at `moment`. See the `promotions.pricing` docstring."""
    currency = check_lines(lines, moment)
    states = [
        LineState(
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
    apply_item_stage(states, promotions, buyer=buyer, moment=moment, currency=currency)
    shop_scopes = [
        (shop_id, by_shop[shop_id], lambda shop_id=shop_id: shop_view(shop_id))
        for shop_id in shop_ids
    ]
    for stage in (Stage.THRESHOLD, Stage.SHOP_COUPON):
        apply_order_stage(
            stage, shop_scopes, promotions, buyer=buyer, moment=moment, currency=currency
        )
    cart_scope = [(None, states, lambda: CartView(tuple(shop_view(s) for s in shop_ids)))]
    apply_order_stage(
        Stage.PLATFORM_COUPON, cart_scope, promotions, buyer=buyer, moment=moment, currency=currency
    )

    # Every shop's parcel, told to the quoter first when it can read them all at once.
    parcels = {shop_id: _quote_lines(by_shop[shop_id]) for shop_id in shop_ids}
    prepare = getattr(shipping_quoter, "prepare", None)
    if prepare is not None:
        prepare(parcels)
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
                explanation=line_explanation(state, currency),
            )
            for state in shop_states
        )
        subtotal = quantize(sum((line.subtotal for line in priced_lines), ZERO), currency)
        merchandise = quantize(sum((line.line_total for line in priced_lines), ZERO), currency)
        discounts = _merge_discounts(priced_lines, currency)
        quote, refusal = _quote(shipping_quoter, shop_id, parcels[shop_id])
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
    return PricedCart(
        currency=currency,
        moment=moment,
        shops=tuple(priced_shops),
        subtotal=subtotal,
        discount_total=discount_total,
        shipping_total=shipping_total,
        grand_total=quantize(subtotal - discount_total + shipping_total, currency),
        explanation=cart_explanation(discount_total, currency),
    )
