"""The price engine (DESIGN §4, SPEC §4.3): the one place a price is computed.

    priced = price_lines(
        [PricingLine(sku_id=7, shop_id=1, quantity=2, current_price=Decimal("59.00"),
                     added_price=Decimal("49.00"), weight_kg=Decimal("0.8"))],
        buyer=user,                      # passed through to promotions (audiences); may be None
        moment=timezone.now(),           # an aware datetime: which promotions are running
        shipping_quoter=quoter,          # quoter(shop_id=..., lines=(QuoteLine, ...)) -> quote
        promotions=(),                   # objects following the `Promotion` protocol (inputs)
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

The package, by concern (every public name is importable from `promotions.pricing`):
  inputs.py        what the engine is given: `PricingLine`, the `Promotion` protocol and its
                   offers and views, `Stage`, `Funder`, `PricingError`, `ShippingQuoter`
  outputs.py       what it returns: `PricedCart`, `PricedShop`, `PricedLine`, `Discount`
  stacking.py      the four stages applied to the lines' running state
  allocation.py    order-level discounts and refunds split exactly (largest remainder)
  explanations.py  the sentences the buyer reads per line and per cart
  engine.py        `price_lines`: check, stack, quote shipping per shop, add up
"""

from promotions.pricing.allocation import allocate_discount, refund_for_units
from promotions.pricing.engine import price_lines
from promotions.pricing.inputs import (
    CartView,
    Funder,
    ItemOffer,
    LineView,
    OrderOffer,
    PricingError,
    PricingLine,
    Promotion,
    ShippingQuoter,
    ShopView,
    Stage,
)
from promotions.pricing.outputs import Discount, PricedCart, PricedLine, PricedShop

__all__ = [
    "CartView",
    "Discount",
    "Funder",
    "ItemOffer",
    "LineView",
    "OrderOffer",
    "PricedCart",
    "PricedLine",
    "PricedShop",
    "PricingError",
    "PricingLine",
    "Promotion",
    "ShippingQuoter",
    "ShopView",
    "Stage",
    "allocate_discount",
    "price_lines",
    "refund_for_units",
]
