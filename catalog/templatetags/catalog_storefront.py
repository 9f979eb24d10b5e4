"""Template filters of the storefront: product links and stored images (prices use the core
`money` filter)."""

from __future__ import annotations

from django import template

from catalog.storefront import cards, list_parts, listings, seo

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


@register.simple_tag
def listing_toolbar(listing, sort_choices, sort_value):
    """Result count and sort (catalog.storefront.list_parts)."""
    return list_parts.toolbar(listing, sort_choices, sort_value)


@register.simple_tag
def listing_pagination(listing, links, base_url):
    """Page links (catalog.storefront.list_parts)."""
    return list_parts.pagination(listing, links, base_url)
