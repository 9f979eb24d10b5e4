"""Pages of the shops chapter: `seller` (seller center) and `storefront` (buyers)."""
