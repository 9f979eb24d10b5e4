"""Fulfilment, the orders chapter's sub-area that decides what ships and when, and ships it by
calling `logistics.services` (carriers, parcels and tracking are logistics'):

- `selectors`: orders to ship, the ship-by deadline, why an order cannot ship, pick lists, the
  late-shipment rate;
- `services`: ship an order (one parcel, many, a bulk-shipping file), deliver it when the
  carrier says so, alert orders not shipped in time; `bulk` checks a bulk-shipping file's rows;
- `views`, `forms`, `printing` (PDF pick lists and packing slips): the seller center's
  "Shipping" pages under /seller/shipping/ (`orders/seller_urls.py`);
- `api`: the seller's shipments endpoint (`orders/api/urls.py`);
- `tasks`, `receivers`, `admin`, `demo`: the beat job, the event subscription, the carriers'
  admin with each shop's late-shipment rate, demo parcels.

See docs/decisions/0005-fulfilment-pages-live-in-orders.md.
"""
