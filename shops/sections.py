"""The seller center's sections: the sidebar menu, in order.

Each section has a key (the one `shops/roles.py` grants to roles and `seller_view(section=...)`
checks), a label and the URL name it opens. A chapter adds its section with one line here,
e.g. `Section("products", _("Products"), "seller:product-list"),` (and, if a role other than
owner and manager should see it, its key in that role's set in `shops/roles.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shops import roles


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    url_name: str


SECTIONS: list[Section] = [
    Section(roles.DASHBOARD, _("Dashboard"), "seller:dashboard"),
    Section(roles.SHOP_PROFILE, _("Shop profile"), "seller:shop-profile"),
    Section(roles.STAFF, _("Staff and roles"), "seller:staff"),
    Section(roles.ACTIVITY, _("Activity log"), "seller:activity"),
    Section(roles.SHIPPING, _("Shipping"), "seller:orders-to-ship"),
    Section(roles.ORDERS, _("Orders"), "seller:orders"),
    Section(roles.PRODUCTS, _("Products"), "seller:product-list"),
    Section(roles.INVENTORY, _("Inventory"), "seller:inventory"),
    Section(roles.FINANCE, _("Finance"), "seller:finance"),
]

NO_SHOP_SECTIONS: list[Section] = [
    Section("open_shop", _("Open a shop"), "seller:open-shop"),
]


def get_section(key: str) -> Section | None:
    return next((section for section in SECTIONS if section.key == key), None)


def visible_sections(role: str | None) -> list[Section]:
    return [section for section in SECTIONS if roles.can_use(role, section.key)]


def menu_for(request, *, active: str | None) -> list[dict]:
    """The sidebar entries the request's role may use (a user without a shop: "Open a shop")."""
    shop = getattr(request, "shop", None)
    sections = visible_sections(getattr(request, "shop_role", None)) if shop else NO_SHOP_SECTIONS
    menu = []
    for section in sections:
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:  # a section whose page is not mounted (yet)
            continue
        current = section.key == active or url == getattr(request, "path", None)
        menu.append({"key": section.key, "label": section.label, "url": url, "active": current})
    return menu
