"""Commission: a pure computation from what was frozen when the order was paid (no queries).

    compute_commission(currency=, lines=[LineBasis(...)], shop_rate=, minimum=)
    order_commission_breakdown(order, lines)   # the same, from an order and its lines

- each line's goods value is its total after discounts plus the discounts the platform funds;
- the line's rate is its category's commission rate (frozen on the line by `mark_paid`), never
  lower than the shop type's rate (frozen on the order: `Order.shop_commission_rate`, from
  `shops.ShopTypeTerms` when the shop opened);
- commission = Σ round(goods value × rate), but at least ORDERS_COMMISSION_MINIMUM per order (and
  never more than the goods); a minimum is spread over the lines by goods value, exactly, so each
  line's share is known (a refund of a line gives back exactly that share).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from marketplace.core.money import ZERO, allocate, as_decimal, quantize

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineBasis:
    line_id: int
    line_total: Decimal
    platform_discount: Decimal
    category_rate: Decimal | None


@dataclass(frozen=True)
class LineCommission:
    line_id: int
    base: Decimal
    rate: Decimal
    commission: Decimal

    def as_json(self) -> dict:
        return {
            "line": self.line_id,
            "base": str(self.base),
            "rate": str(self.rate),
            "commission": str(self.commission),
        }


@dataclass(frozen=True)
class CommissionBreakdown:
    currency: str
    goods_value: Decimal
    platform_discount: Decimal
    amount: Decimal
    minimum: Decimal
    minimum_applied: bool
    lines: tuple[LineCommission, ...]


def commission_minimum(currency: str) -> Decimal:
    """ORDERS_COMMISSION_MINIMUM: a decimal string, or {currency: decimal string}."""
    configured = getattr(settings, "ORDERS_COMMISSION_MINIMUM", "0")
    if isinstance(configured, dict):
        configured = configured.get(currency.upper(), configured.get("default", "0"))
    return quantize(as_decimal(str(configured)), currency)


def effective_rate(category_rate: Decimal | None, shop_rate: Decimal | None) -> Decimal:
    """The line's rate in percent: the category's, never below the shop type's."""
    rates = [rate for rate in (category_rate, shop_rate) if rate is not None]
    return max(rates, default=ZERO)


def compute_commission(
    *,
    currency: str,
    lines: Sequence[LineBasis],
    shop_rate: Decimal | None,
    minimum: Decimal,
) -> CommissionBreakdown:
    """The commission of one order from its frozen rates (see the module docstring)."""
    rows = []
    for line in lines:
        base = line.line_total + line.platform_discount
        rate = effective_rate(line.category_rate, shop_rate)
        rows.append((line.line_id, base, rate, quantize(base * rate / HUNDRED, currency)))
    goods = sum((base for _id, base, _rate, _c in rows), ZERO)
    computed = sum((commission for *_rest, commission in rows), ZERO)
    amount, applied = computed, False
    if goods > 0 and computed < minimum:
        amount, applied = min(minimum, goods), True
        shares = allocate(amount, [base for _id, base, _rate, _c in rows], currency)
        rows = [
            (i, base, rate, share) for (i, base, rate, _c), share in zip(rows, shares, strict=True)
        ]
    return CommissionBreakdown(
        currency=currency,
        goods_value=quantize(goods, currency),
        platform_discount=quantize(sum((line.platform_discount for line in lines), ZERO), currency),
        amount=quantize(amount, currency),
        minimum=minimum,
        minimum_applied=applied,
        lines=tuple(LineCommission(*row) for row in rows),
    )


def order_commission_breakdown(order, lines) -> CommissionBreakdown:
    return compute_commission(
        currency=order.currency,
        lines=[
            LineBasis(
                line_id=line.pk,
                line_total=line.line_total,
                platform_discount=line.discount_platform,
                category_rate=line.commission_rate,
            )
            for line in lines
        ],
        shop_rate=order.shop_commission_rate,
        minimum=commission_minimum(order.currency),
    )
