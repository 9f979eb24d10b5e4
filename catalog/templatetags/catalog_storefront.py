"""Template filters of the storefront: prices, product links, stored images."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

from catalog import seo
from catalog import storefront_selectors as sf
from marketplace.core.money import CURRENCY_SYMBOLS, minor_digits, quantize

register = template.Library()


@register.filter
def price(amount, currency="CNY"):
    """¥1,288.00 — a Decimal amount in the locale's number format with the currency's symbol."""
    if amount is None or amount == "":
        return ""
    currency = (currency or "CNY").upper()
    value = number_format(
        quantize(amount, currency), decimal_pos=minor_digits(currency), force_grouping=True
    )
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{value}" if symbol else f"{value} {currency}"


@register.filter
def product_url(product):
    return sf.product_url(product.pk, product.slug)


@register.filter
def media(name):
    """The public URL of a stored image name."""
    return seo.media_url(name)
