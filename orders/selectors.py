"""Reads of the orders chapter that are reused or tricky; each owns its joins."""

from __future__ import annotations

import uuid

from django.db.models import Sum

from orders.models import CartLine

CART_SESSION_KEY = "orders_cart_token"


def session_cart_token(request) -> uuid.UUID | None:
    session = getattr(request, "session", None)
    value = session.get(CART_SESSION_KEY) if session is not None else None
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def cart_units(request) -> int:
    """Units in the visitor's cart: one query, none for a guest without a cart."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        lines = CartLine.objects.filter(cart__user_id=user.pk)
    else:
        token = session_cart_token(request)
        if token is None:
            return 0
        lines = CartLine.objects.filter(cart__token=token)
    return lines.aggregate(units=Sum("quantity"))["units"] or 0
