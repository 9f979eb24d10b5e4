"""The one Django signal the orders chapter listens to: login (to merge the guest's cart)."""

from __future__ import annotations

import logging

from orders.selectors import CART_SESSION_KEY, session_cart_token

logger = logging.getLogger(__name__)


def merge_cart_at_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    token = session_cart_token(request)
    if token is None:
        return
    from orders.services.cart import merge_guest_cart

    merge_guest_cart(user=user, token=token)
    request.session.pop(CART_SESSION_KEY, None)
