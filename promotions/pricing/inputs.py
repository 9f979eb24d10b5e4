"""What the price engine is given: the lines, the promotions (a protocol the promotions chapter
implements, with the offers it answers and the views it is asked about), the shipping quoter, and
the stacking stages and funders that name every discount."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Any, Protocol

from logistics.quote import ShippingQuote
from marketplace.core.errors import DomainError
from marketplace.core.money import DEFAULT_CURRENCY, ZERO


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
    """What the promotions chapter implements (see the `promotions.pricing` docstring)."""

    stage: Stage

    def offer(self, scope: Any, *, buyer: Any, moment: datetime) -> ItemOffer | OrderOffer | None:
        """The offer for `scope` (LineView, ShopView or CartView by stage), or None."""


ShippingQuoter = Callable[..., ShippingQuote]  # quoter(*, shop_id, lines) -> ShippingQuote
