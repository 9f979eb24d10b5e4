"""`menu_categories` for the storefront header: the top-level categories, in the active language.

Lazy: nothing is read unless a template shows the menu (the seller center does not), and then it
comes from the storefront cache (`catalog.storefront.categories.category_tree`) — one query for
the storefront version, shared with the page's own reads.
"""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def menu(request):
    def roots():
        from catalog.storefront.categories import menu_categories

        return menu_categories(request)

    return {"menu_categories": SimpleLazyObject(roots)}
