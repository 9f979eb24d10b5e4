"""Template tags of logistics for pages of other chapters (the buyer's order page).

    {% load logistics_tracking %}{% order_parcels order %}

renders the order's parcels with their tracking timelines and estimated delivery dates, or,
before anything has shipped, the shipping promise and the estimated delivery. `order` is any
object with `pk`, `state`, `paid_at` and `province_code` (the orders chapter's `Order`): the
tag reads logistics' tables only. Three queries.
"""

from __future__ import annotations

from django import template
from django.utils import timezone

from logistics import selectors
from logistics.services.shipments import estimate_for_unshipped, ship_within

register = template.Library()

WAITING_STATES = ("paid", "accepted", "partly_shipped")


@register.inclusion_tag("logistics/includes/order_parcels.html", takes_context=True)
def order_parcels(context, order):
    request = context.get("request")
    user = getattr(request, "user", None)
    parcels = list(selectors.shipments_of_order(buyer=user, order_id=order.pk)) if user else []
    ship_by = estimate = None
    state = getattr(order, "state", "")
    paid_at = getattr(order, "paid_at", None)
    if state in WAITING_STATES and paid_at is not None:
        ship_by = paid_at + ship_within()
        estimate = estimate_for_unshipped(paid_at, getattr(order, "province_code", ""))
    return {
        "parcels": parcels,
        "order": order,
        "waiting": state in WAITING_STATES,
        "ship_by": ship_by,
        "late": ship_by is not None and timezone.now() > ship_by and not parcels,
        "estimate": estimate,
    }


@register.filter
def money(value, currency="CNY"):
    """¥12.50 (rounded to the currency's minor unit); "—" for none."""
    from marketplace.core.money import format_amount

    if value is None or value == "":
        return "—"
    return format_amount(value, currency or "CNY")
