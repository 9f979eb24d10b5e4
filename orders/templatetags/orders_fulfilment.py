"""Template tags of fulfilment for the buyer's order page.

    {% load orders_fulfilment %}{% order_parcels order %}

renders the order's parcels (logistics' records) with their tracking timelines and estimated
delivery dates, or, before anything has shipped, the shop's shipping promise and the estimated
delivery. Whether the order still waits for goods and when it must ship are the orders chapter's
rules (`orders.fulfilment.selectors`). Three queries.
"""

from __future__ import annotations

from django import template
from django.utils import timezone

from logistics import selectors as logistics_selectors
from orders.fulfilment import selectors

register = template.Library()


@register.inclusion_tag("orders/fulfilment/order_parcels.html", takes_context=True)
def order_parcels(context, order):
    request = context.get("request")
    user = getattr(request, "user", None)
    parcels = (
        list(logistics_selectors.shipments_of_order(buyer=user, order_id=order.pk)) if user else []
    )
    waiting = selectors.awaiting_shipment(order)
    deadline = selectors.deadline(order) if waiting else None
    ship_by = deadline.ship_by if deadline else None
    return {
        "parcels": parcels,
        "order": order,
        "waiting": waiting,
        "ship_by": ship_by,
        "late": ship_by is not None and timezone.now() > ship_by and not parcels,
        "estimate": deadline.estimate if deadline else None,
    }
