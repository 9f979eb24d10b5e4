"""Template helpers of the orders pages: money and state labels."""

from __future__ import annotations

from django import template

from marketplace.core.money import DEFAULT_CURRENCY, format_amount
from orders.models import Order

register = template.Library()


@register.filter
def money(value, currency=DEFAULT_CURRENCY):
    """¥12.50 (the amount rounded to the currency's minor unit)."""
    if value is None or value == "":
        return "—"
    return format_amount(value, currency or DEFAULT_CURRENCY)


@register.filter
def order_state_label(value) -> str:
    try:
        return str(Order.State(value).label)
    except ValueError:
        return value or ""


@register.filter
def minutes_abs(value):
    try:
        return abs(int(value))
    except (TypeError, ValueError):
        return value
