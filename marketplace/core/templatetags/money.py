"""The one money filter of every page: `{% load money %}{{ order.total|money:order.currency }}`.

It renders exactly what `marketplace.core.money.format_amount` returns in Python ("¥1,288.00"),
and "—" where there is no amount.
"""

from django import template

from marketplace.core.money import DEFAULT_CURRENCY, format_amount

register = template.Library()


@register.filter
def money(value, currency=DEFAULT_CURRENCY):
    if value is None or value == "":
        return "—"
    return format_amount(value, currency or DEFAULT_CURRENCY)
