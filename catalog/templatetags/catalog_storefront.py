"""Template filters of the storefront: product links and stored images (prices use the core
`money` filter)."""

from __future__ import annotations

from django import template

from catalog.storefront import cards, listings, seo

register = template.Library()


@register.filter
def product_url(product):
    return listings.product_url(product.pk, product.slug)


@register.filter
def media(name):
    """The public URL of a stored image name."""
    return seo.media_url(name)


@register.simple_tag
def product_grid(products):
    """The product cards of a list (catalog.storefront.cards)."""
    return cards.product_grid(products)
