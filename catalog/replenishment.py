"""Replenishment suggestions from sales velocity (pure arithmetic, Decimal only).

With the last 30 days' sales `v` units/day, a stock `s` and a lead time of `L` days, the stock
left when new goods arrive is `s - v·L`. To hold between `MIN_COVER` and `MAX_COVER` days of
sales after the goods arrive, order between `v·(L + MIN_COVER) - s` and `v·(L + MAX_COVER) - s`
units (never less than 0). The suggestion is the upper end, rounded up.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

WINDOW_DAYS = 30
MIN_COVER = 7
MAX_COVER = 15


@dataclass(frozen=True)
class Suggestion:
    units_sold: int
    daily_velocity: Decimal  # units per day, 2 decimals
    days_of_cover: Decimal | None  # None when nothing sold: the stock lasts indefinitely
    order_min: int
    order_max: int

    @property
    def quantity(self) -> int:
        return self.order_max

    @property
    def needs_order(self) -> bool:
        return self.order_max > 0


def _ceil(value: Decimal) -> int:
    return max(0, int(value.to_integral_value(rounding=ROUND_CEILING)))


def suggest(*, stock: int, units_sold: int, lead_time_days: int) -> Suggestion:
    velocity = Decimal(max(units_sold, 0)) / Decimal(WINDOW_DAYS)
    stock = max(stock, 0)
    if velocity == 0:
        return Suggestion(units_sold, Decimal("0.00"), None, 0, 0)
    cover = (Decimal(stock) / velocity).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    order_min = _ceil(velocity * (lead_time_days + MIN_COVER) - stock)
    order_max = _ceil(velocity * (lead_time_days + MAX_COVER) - stock)
    return Suggestion(
        units_sold=units_sold,
        daily_velocity=velocity.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        days_of_cover=cover,
        order_min=order_min,
        order_max=order_max,
    )
