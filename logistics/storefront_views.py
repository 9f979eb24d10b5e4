"""Storefront pages of logistics: a buyer's parcel with its tracking timeline.

The buyer's order page shows the same timeline for each of the order's parcels (the orders
template includes `logistics/includes/order_tracking.html`); this page is where notifications
about one parcel link to. Another buyer's parcel, or none, is a 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse

from logistics import order_source, selectors


@login_required
def parcel_detail(request, shipment_id):
    parcel = selectors.get_buyer_parcel_or_404(request.user, shipment_id)
    order = (
        order_source.get().get_order(shop=parcel.shop, number=parcel.order_number)
        if order_source.is_registered()
        else None
    )
    return TemplateResponse(
        request,
        "logistics/parcel_detail.html",
        {"parcel": parcel, "order_url": order.buyer_url if order is not None else ""},
    )
