"""The sentences the buyer reads: per line (price × quantity, a price change, each saving) and per
cart (the saving in total), with amounts in the one money format."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from marketplace.core.money import as_decimal, format_amount
from promotions.pricing.stacking import LineState


def line_explanation(state: LineState, currency: str) -> tuple[str, ...]:
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


def cart_explanation(discount_total: Decimal, currency: str) -> tuple[str, ...]:
    if discount_total > 0:
        return (
            _("You save %(amount)s in total.")
            % {"amount": format_amount(discount_total, currency)},
        )
    return ()
