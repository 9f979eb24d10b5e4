"""Pages of logistics: `storefront` (a buyer's parcel with its tracking) and `seller` (shipping
templates and the shop's carriers). The seller's fulfilment pages (orders to ship, parcels,
performance) are the orders chapter's (`orders.fulfilment.views`)."""
