"""Storefront pages of logistics: a buyer's parcel with its tracking timeline.

The buyer's order page shows the same timeline for each of the order's parcels (the orders
chapter's `{% order_parcels %}` tag); this page is where notifications about one parcel link to.
Another buyer's parcel, or none, is a 404. It links back to the buyer's order page by that
page's URL name (`order-detail`) and the order number the parcel carries.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse

from logistics import selectors


@login_required
def parcel_detail(request, shipment_id):
    parcel = selectors.get_buyer_parcel_or_404(request.user, shipment_id)
    return TemplateResponse(request, "logistics/parcel_detail.html", {"parcel": parcel})
