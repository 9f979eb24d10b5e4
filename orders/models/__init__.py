"""Models of the orders chapter: carts, checkouts, orders, payments."""

from orders.models.cart import MAX_LINE_QUANTITY, Cart, CartLine
from orders.models.ledger import *  # noqa: F403 - the money side: ledger, transfers, statements
from orders.models.offline import OfflineIntent
from orders.models.orders import Checkout, InvoiceType, Order, OrderLine
from orders.models.payments import Payment, PaymentAllocation, PaymentEvent, Refund

__all__ = [
    "MAX_LINE_QUANTITY",
    "Cart",
    "CartLine",
    "Checkout",
    "InvoiceType",
    "OfflineIntent",
    "Order",
    "OrderLine",
    "Payment",
    "PaymentAllocation",
    "PaymentEvent",
    "Refund",
]
