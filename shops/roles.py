"""Shop staff roles and the seller-center sections each may use (SPEC §3).

A role is a set of section keys. The keys name the seller-center sections of every chapter,
including those later chapters add to `shops/sections.py`; a section a role does not list is
hidden from its menu and refused on the server (403 inside one's own shop), by `shops.scoping`.

To give a role access to a new section, add its key to the role's set below; the owner always has
every section.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    PRODUCT_EDITOR = "product_editor", _("Product editor")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    FULFILMENT = "fulfilment", _("Fulfilment")
    FINANCE = "finance", _("Finance")
    ANALYST = "analyst", _("Analyst")


# Section keys (the `key` of a `shops.sections.Section`). Listed here so roles can name sections
# that a later chapter will add; a key without a Section simply does not show yet.
DASHBOARD = "dashboard"
SHOP_PROFILE = "shop_profile"
STAFF = "staff"
ACTIVITY = "activity"
PRODUCTS = "products"
INVENTORY = "inventory"
ORDERS = "orders"
SHIPPING = "shipping"
AFTERSALES = "aftersales"
CUSTOMERS = "customers"
PROMOTIONS = "promotions"
FINANCE = "finance"
REPORTS = "reports"
COMPLIANCE = "compliance"
INTEGRATIONS = "integrations"

ALL_SECTIONS = "*"

ROLE_SECTIONS: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset({ALL_SECTIONS}),
    Role.MANAGER: frozenset(
        {
            DASHBOARD,
            SHOP_PROFILE,
            ACTIVITY,
            PRODUCTS,
            INVENTORY,
            ORDERS,
            SHIPPING,
            AFTERSALES,
            CUSTOMERS,
            PROMOTIONS,
            REPORTS,
            COMPLIANCE,
        }
    ),
    Role.PRODUCT_EDITOR: frozenset({DASHBOARD, PRODUCTS, INVENTORY}),
    Role.CUSTOMER_SERVICE: frozenset({DASHBOARD, ORDERS, AFTERSALES, CUSTOMERS}),
    Role.FULFILMENT: frozenset({DASHBOARD, ORDERS, SHIPPING, INVENTORY}),
    Role.FINANCE: frozenset({DASHBOARD, FINANCE, ORDERS, REPORTS}),
    Role.ANALYST: frozenset({DASHBOARD, REPORTS}),
}

ROLE_DESCRIPTIONS = {
    Role.OWNER: _("Everything, including staff, finance and the shop's settings."),
    Role.MANAGER: _("Runs the shop day to day: products, orders, promotions, customers, reports."),
    Role.PRODUCT_EDITOR: _("Creates and edits listings and keeps stock up to date."),
    Role.CUSTOMER_SERVICE: _("Answers buyers, looks up orders, handles returns and complaints."),
    Role.FULFILMENT: _("Packs and ships orders, prints labels, keeps stock up to date."),
    Role.FINANCE: _("Settlements, payouts, invoices and the money reports."),
    Role.ANALYST: _("Reads the reports; changes nothing."),
}


def can_use(role: str | None, section: str | None) -> bool:
    """May a member with `role` use `section`? `section=None` means any member may."""
    if role is None:
        return False
    if section is None:
        return True
    allowed = ROLE_SECTIONS.get(role, frozenset())
    return ALL_SECTIONS in allowed or section in allowed


def sections_of(role: str) -> frozenset[str]:
    return ROLE_SECTIONS.get(role, frozenset())
