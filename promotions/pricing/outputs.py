"""What the price engine returns: the priced cart, per shop and per line, with every discount's
stage, source and funder, shipping, totals and explanations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from logistics.quote import ShippingQuote
from marketplace.core.money import ZERO
from promotions.pricing.allocation import refund_for_units
from promotions.pricing.inputs import Funder, PricingError, PricingLine, Stage


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
