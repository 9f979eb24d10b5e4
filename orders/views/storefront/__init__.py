"""Storefront pages of orders (buyers): the cart, checkout, the payment pages, the buyer's orders.

Thin: parse, find the buyer's own objects (another buyer's order or checkout is a 404), call one
service, render. A refused action (`DomainError`) becomes a message or a form error through
`marketplace.core.pages.refusals`, never a 500.
"""

from orders.views.storefront.buyer_orders import (
    order_cancel,
    order_confirm_receipt,
    order_detail,
    order_list,
    order_pay,
)
from orders.views.storefront.cart import (
    cart,
    cart_accept_prices,
    cart_add,
    cart_for_request,
    cart_line_remove,
    cart_line_update,
)
from orders.views.storefront.checkout import (
    CHECKOUT_ADDRESS,
    checkout_address,
    checkout_done,
    checkout_review,
    checkout_start,
)
from orders.views.storefront.payments import payment_offline, payment_stripe, payment_stripe_return

__all__ = [
    "CHECKOUT_ADDRESS",
    "cart",
    "cart_accept_prices",
    "cart_add",
    "cart_for_request",
    "cart_line_remove",
    "cart_line_update",
    "checkout_address",
    "checkout_done",
    "checkout_review",
    "checkout_start",
    "order_cancel",
    "order_confirm_receipt",
    "order_detail",
    "order_list",
    "order_pay",
    "payment_offline",
    "payment_stripe",
    "payment_stripe_return",
]
