"""Template helpers of the orders pages: state labels and the seller's response clock (money is
the shared `{% load money %}` filter)."""

from __future__ import annotations

from django import template

from orders.models import Order

register = template.Library()


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
