"""Pages of orders: `storefront` (cart, checkout, the buyer's orders, the offline provider's test
page) and `seller` (the order desk)."""
