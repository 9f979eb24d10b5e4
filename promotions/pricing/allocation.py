"""Exact splits, in minor units, by largest remainder (`marketplace.core.money.allocate`): an
order-level discount over the lines it applies to, and a line's total over its units, so the
shares always add up and a partial refund returns exactly what was paid."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from marketplace.core.money import DEFAULT_CURRENCY, ZERO, allocate, quantize
from promotions.pricing.inputs import PricingError


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
