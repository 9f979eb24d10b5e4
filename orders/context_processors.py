"""`cart_count` for the storefront header: units in the visitor's cart.

Lazy: the query runs only if a template shows the badge (the seller center never does), and it is
one query (a SUM over the cart's lines, joined to the cart by user or guest token).
"""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def cart(request):
    def count():
        from orders.selectors import cart_units

        return cart_units(request)

    return {"cart_count": SimpleLazyObject(count)}
