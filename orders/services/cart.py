"""Cart writes: add, change, remove, accept new prices, merge a guest's cart at login.

Every write locks the cart row first (`select_for_update`), so two tabs adding the same SKU
cannot lose an update, and checks the quantity against the SKU's stock as it is now. The cart
never reserves stock: placement does (`orders.services.placement`).
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import Sku
from orders.errors import ErrorCode, OrdersError
from orders.models import MAX_LINE_QUANTITY, Cart, CartLine
from orders.selectors import sku_problem


# --- What may be bought ---------------------------------------------------------------------------
def parse_quantity(value) -> int:
    """A quantity from a form or JSON: a whole number from 1 to MAX_LINE_QUANTITY, or an error."""
    if isinstance(value, bool):
        value = None
    try:
        quantity = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        quantity = None
    if quantity is None or quantity < 1 or quantity > MAX_LINE_QUANTITY:
        raise OrdersError(
            _("Enter a quantity from 1 to %(max)d.") % {"max": MAX_LINE_QUANTITY},
            code=ErrorCode.INVALID_QUANTITY,
            field="quantity",
        )
    return quantity


def _sku_for_cart(sku_id) -> Sku:
    try:
        sku_id = int(sku_id)
    except (TypeError, ValueError):
        sku_id = None
    sku = (
        Sku.objects.select_related("product", "shop").filter(pk=sku_id).first()
        if sku_id is not None
        else None
    )
    if sku is None:
        raise OrdersError(_("This product does not exist."), code=ErrorCode.NOT_FOUND, field="sku")
    return sku


def _lock(cart: Cart) -> Cart:
    return Cart.objects.select_for_update().get(pk=cart.pk)


def _line_of(cart: Cart, line_id) -> CartLine:
    try:
        line_id = int(line_id)
    except (TypeError, ValueError):
        line_id = None
    line = (
        CartLine.objects.select_related("sku", "sku__product", "sku__shop")
        .filter(cart=cart, pk=line_id)
        .first()
        if line_id is not None
        else None
    )
    if line is None:
        raise OrdersError(_("This line is not in your cart."), code=ErrorCode.NOT_FOUND)
    return line


# --- Carts ----------------------------------------------------------------------------------------
def cart_of_user(user, *, create: bool = False) -> Cart | None:
    cart = Cart.objects.filter(user=user).first()
    if cart is None and create:
        try:
            with transaction.atomic():
                cart = Cart.objects.create(user=user)
        except IntegrityError:  # created meanwhile by another request of the same buyer
            cart = Cart.objects.get(user=user)
    return cart


def guest_cart(token: uuid.UUID | None) -> Cart | None:
    if token is None:
        return None
    return Cart.objects.filter(token=token, user__isnull=True).first()


def new_guest_cart() -> Cart:
    return Cart.objects.create()


@transaction.atomic
def add_to_cart(*, cart: Cart, sku_id, quantity) -> CartLine:
    """Add `quantity` of the SKU (to what is already in the cart), within the stock left."""
    quantity = parse_quantity(quantity)
    sku = _sku_for_cart(sku_id)
    _lock(cart)
    line = CartLine.objects.filter(cart=cart, sku=sku).first()
    wanted = quantity + (line.quantity if line else 0)
    code, message = sku_problem(sku, wanted)
    if code == ErrorCode.INSUFFICIENT_STOCK and line is not None:
        # The stock left counted against what is already in the cart: say so.
        message = ngettext(
            "Only %(stock)d of “%(title)s” left, and %(in_cart)d is already in your cart.",
            "Only %(stock)d of “%(title)s” left, and %(in_cart)d are already in your cart.",
            line.quantity,
        ) % {"stock": sku.stock, "title": sku.product.title, "in_cart": line.quantity}
    if code:
        raise OrdersError(message, code=code, field="quantity")
    if wanted > MAX_LINE_QUANTITY:
        raise OrdersError(
            _("At most %(max)d of one item per order.") % {"max": MAX_LINE_QUANTITY},
            code=ErrorCode.INVALID_QUANTITY,
            field="quantity",
        )
    if line is None:
        line = CartLine.objects.create(
            cart=cart,
            sku=sku,
            quantity=wanted,
            added_price=sku.price,
            currency=sku.product.currency,
        )
    else:
        line.quantity = wanted
        line.save(update_fields=["quantity", "updated_at"])
    Cart.objects.filter(pk=cart.pk).update(updated_at=line.updated_at)
    return line


@transaction.atomic
def update_quantity(*, cart: Cart, line_id, quantity) -> CartLine:
    """Set a line's quantity (1 to the stock left; removing is `remove_line`)."""
    quantity = parse_quantity(quantity)
    _lock(cart)
    line = _line_of(cart, line_id)
    code, message = sku_problem(line.sku, quantity)
    if code:
        raise OrdersError(message, code=code, field="quantity")
    line.quantity = quantity
    line.save(update_fields=["quantity", "updated_at"])
    return line


@transaction.atomic
def remove_line(*, cart: Cart, line_id) -> None:
    _lock(cart)
    _line_of(cart, line_id).delete()


@transaction.atomic
def accept_current_prices(*, cart: Cart) -> int:
    """The buyer saw the changed prices: they are the new reference. Returns lines changed."""
    _lock(cart)
    changed = 0
    for line in CartLine.objects.filter(cart=cart).select_related("sku"):
        if line.added_price != line.sku.price:
            line.added_price = line.sku.price
            line.save(update_fields=["added_price", "updated_at"])
            changed += 1
    return changed


@transaction.atomic
def merge_guest_cart(*, user, token: uuid.UUID | None) -> Cart | None:
    """At login: the guest cart's lines move into the buyer's cart, then the guest cart goes.

    The same SKU in both adds up, capped at the stock left and the per-line maximum (never
    below what the buyer's cart already had). Returns the buyer's cart (None: nothing to merge).
    """
    guest = Cart.objects.select_for_update().filter(token=token, user__isnull=True).first()
    if guest is None:
        return None
    guest_lines = list(CartLine.objects.filter(cart=guest).select_related("sku"))
    if not guest_lines:
        guest.delete()
        return None
    cart = cart_of_user(user, create=True)
    _lock(cart)
    existing = {line.sku_id: line for line in CartLine.objects.filter(cart=cart)}
    for guest_line in guest_lines:
        line = existing.get(guest_line.sku_id)
        if line is None:
            guest_line.pk = None
            guest_line.cart = cart
            guest_line.save()
            continue
        limit = min(MAX_LINE_QUANTITY, max(guest_line.sku.stock, line.quantity))
        merged = min(line.quantity + guest_line.quantity, limit)
        if merged != line.quantity:
            line.quantity = merged
            line.save(update_fields=["quantity", "updated_at"])
    guest.delete()
    return cart


@transaction.atomic
def remove_skus(*, cart: Cart, sku_ids) -> int:
    """Remove the lines of `sku_ids` (bought by a checkout)."""
    deleted, _rows = CartLine.objects.filter(cart=cart, sku_id__in=list(sku_ids)).delete()
    return deleted
