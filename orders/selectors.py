"""Reads of the orders chapter that are reused or tricky; each owns its joins."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product, Sku
from marketplace.core.money import ZERO
from marketplace.core.states import history
from orders.errors import ErrorCode
from orders.models import MAX_LINE_QUANTITY, Cart, CartLine, Order, OrderLine, Payment
from promotions import pricing
from promotions.pricing import PricedCart, PricedLine, PricedShop, PricingLine
from shops.scoping.models import get_for_shop_or_404

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


# --- What may be bought -------------------------------------------------------------------------
def sku_problem(sku: Sku, quantity: int | None = None) -> tuple[str, str]:
    """(code, message) saying why `quantity` of `sku` cannot be bought now, or ("", "").

    `sku` must come with its product and shop loaded. Codes: "unavailable" (delisted, blocked,
    deactivated, shop closed), "sold_out", "short" (fewer units left than asked).
    """
    product = sku.product
    shop = sku.shop
    if not sku.is_active or product.state != Product.State.LIVE or not shop.is_visible:
        return ErrorCode.UNAVAILABLE, _("“%(title)s” is no longer available.") % {
            "title": product.title
        }
    if sku.stock <= 0:
        return "sold_out", _("“%(title)s” is sold out.") % {"title": product.title}
    if quantity is not None and quantity > sku.stock:
        return ErrorCode.INSUFFICIENT_STOCK, _(
            "Only %(stock)d of “%(title)s” left; you asked for %(quantity)d."
        ) % {"stock": sku.stock, "title": product.title, "quantity": quantity}
    return "", ""


# --- The priced cart ------------------------------------------------------------------------------
@dataclass
class CartItem:
    line: CartLine
    problem_code: str = ""
    problem: str = ""
    priced: PricedLine | None = None

    @property
    def sku(self):
        return self.line.sku

    @property
    def product(self):
        return self.line.sku.product

    @property
    def purchasable(self) -> bool:
        """Bought by the next checkout (unavailable and sold-out lines stay in the cart)."""
        return self.problem_code in ("", ErrorCode.INSUFFICIENT_STOCK)

    @property
    def blocks_checkout(self) -> bool:
        return self.problem_code == ErrorCode.INSUFFICIENT_STOCK

    @property
    def max_quantity(self) -> int:
        return max(1, min(MAX_LINE_QUANTITY, self.line.sku.stock))


@dataclass
class CartShopGroup:
    shop: Any
    items: list[CartItem]
    priced: PricedShop | None = None


@dataclass
class CartSummary:
    cart: Cart | None
    groups: list[CartShopGroup] = field(default_factory=list)
    priced: PricedCart | None = None

    @property
    def items(self) -> list[CartItem]:
        return [item for group in self.groups for item in group.items]

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def units(self) -> int:
        return sum(item.line.quantity for item in self.items)

    @property
    def purchasable_items(self) -> list[CartItem]:
        return [item for item in self.items if item.purchasable]

    @property
    def price_changes(self) -> list[CartItem]:
        return [item for item in self.items if item.priced and item.priced.price_changed]

    @property
    def blocking_items(self) -> list[CartItem]:
        return [item for item in self.items if item.blocks_checkout]

    @property
    def can_check_out(self) -> bool:
        return bool(self.purchasable_items) and not self.blocking_items


def cart_lines(cart: Cart | None) -> list[CartLine]:
    """The cart's lines with SKU, product and shop (one query), in the order they were added."""
    if cart is None:
        return []
    return list(
        CartLine.objects.filter(cart=cart)
        .select_related("sku", "sku__product", "sku__shop")
        .order_by("created_at", "id")
    )


def cart_shop_ids(cart: Cart | None = None, *, buyer=None) -> list[int]:
    """The shops of the lines of `cart`, or of `buyer`'s cart without reading it (one query)."""
    if buyer is not None:
        lines = CartLine.objects.filter(cart__user=buyer)
    elif cart is not None:
        lines = CartLine.objects.filter(cart=cart)
    else:
        return []
    return sorted(set(lines.values_list("sku__shop_id", flat=True)))


def pricing_line(line: CartLine) -> PricingLine:
    """A cart line as the price engine sees it (current price from the catalogue)."""
    sku = line.sku
    product = sku.product
    return PricingLine(
        sku_id=sku.pk,
        shop_id=sku.shop_id,
        quantity=line.quantity,
        current_price=sku.price,
        added_price=line.added_price,
        weight_kg=sku.weight or ZERO,
        product_id=product.pk,
        category_id=product.category_id,
        shipping_template_id=None,  # products name no template yet: the shop's default prices it
        currency=product.currency,
        title=product.title,
    )


def active_promotions(lines, *, buyer, moment) -> tuple:
    """The promotions the price engine should consider: none until the promotions chapter
    ships its running promotions (the engine already takes them, `pricing.Promotion`)."""
    return ()


def price_cart_lines(lines, *, buyer, quoter, moment=None) -> PricedCart:
    """The price engine over `lines` (PricingLine): the one way orders computes a price."""
    moment = moment or timezone.now()
    return pricing.price_lines(
        lines,
        buyer=buyer if getattr(buyer, "is_authenticated", False) else None,
        moment=moment,
        shipping_quoter=quoter,
        promotions=active_promotions(lines, buyer=buyer, moment=moment),
    )


def group_cart(cart: Cart | None, *, lines=None) -> CartSummary:
    """The cart grouped by shop (first-added first), each line checked against stock; not priced
    yet (`price_summary`). `lines`: the cart's lines when the caller has them (e.g. locked)."""
    lines = cart_lines(cart) if lines is None else lines
    summary = CartSummary(cart=cart)
    groups: dict[int, CartShopGroup] = {}
    for line in lines:
        code, message = sku_problem(line.sku, line.quantity)
        item = CartItem(line=line, problem_code=str(code), problem=message)
        group = groups.get(line.sku.shop_id)
        if group is None:
            group = groups[line.sku.shop_id] = CartShopGroup(shop=line.sku.shop, items=[])
        group.items.append(item)
    summary.groups = list(groups.values())
    return summary


def price_summary(summary: CartSummary, *, buyer, quoter, moment=None) -> CartSummary:
    """Price the summary's purchasable lines with the engine (once), in place; returns it."""
    priced_items = summary.purchasable_items
    if not priced_items:
        return summary
    summary.priced = price_cart_lines(
        [pricing_line(item.line) for item in priced_items],
        buyer=buyer,
        quoter=quoter,
        moment=moment,
    )
    by_position = {line.position: line for line in summary.priced.lines}
    for position, item in enumerate(priced_items):
        item.priced = by_position[position]
    for group in summary.groups:
        if any(item.priced for item in group.items):
            group.priced = summary.priced.shop(group.shop.pk)
    return summary


def summarise_cart(cart: Cart | None, *, buyer, quoter, moment=None, lines=None) -> CartSummary:
    """The cart grouped by shop, each line checked against stock and priced by the engine.

    Unavailable and sold-out lines are shown but not priced (and not bought); a line asking for
    more than is left is priced and blocks checkout until the buyer lowers it.
    """
    return price_summary(group_cart(cart, lines=lines), buyer=buyer, quoter=quoter, moment=moment)


# --- Orders ---------------------------------------------------------------------------------------
def order_timeline(order) -> list:
    """The order's events, oldest first, with who did it (one query)."""
    return list(history(order).select_related("actor"))


def list_orders_for_buyer(user, *, tab: str = ""):
    """The buyer's orders with shop and lines (three queries per page)."""
    queryset = Order.objects.for_buyer(user).select_related("shop")
    states = BUYER_TABS.get(tab)
    if states:
        queryset = queryset.filter(state__in=states)
    return queryset.prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("id"))
    ).order_by("-created_at", "-id")


BUYER_TABS = {
    "to_pay": ("pending_payment",),
    "to_ship": ("paid", "accepted", "partly_shipped"),
    "shipped": ("shipped",),
    "done": ("delivered", "completed"),
    "cancelled": ("cancelled",),
}


def get_order_for_buyer_or_404(user, number):
    return get_object_or_404(
        Order.objects.for_buyer(user).select_related("shop", "checkout"), number=str(number)
    )


def list_orders_for_shop(shop, *, filters: dict | None = None, now=None):
    """The seller's order desk: the shop's orders, filtered; lines prefetched (constant queries)."""
    filters = filters or {}
    now = now or timezone.now()
    queryset = Order.objects.for_shop(shop).select_related("buyer")
    state = filters.get("state") or ""
    if state == "open":
        queryset = queryset.filter(state__in=(Order.State.PAID, Order.State.ACCEPTED))
    elif state:
        queryset = queryset.filter(state=state)
    if filters.get("placed_from"):
        queryset = queryset.filter(created_at__date__gte=filters["placed_from"])
    if filters.get("placed_to"):
        queryset = queryset.filter(created_at__date__lte=filters["placed_to"])
    if filters.get("overdue"):
        queryset = queryset.filter(state=Order.State.PAID, respond_by__lt=now)
    if filters.get("exceptions"):
        queryset = queryset.exclude(exception="")
    query = (filters.get("q") or "").strip()
    if query:
        queryset = queryset.filter(Q(number__startswith=query) | Q(recipient__icontains=query))
    return queryset.prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("id"))
    ).order_by("-created_at", "-id")


def desk_counts(shop, *, now=None) -> dict[str, int]:
    """Counters for the desk's header: to accept, overdue, exceptions (one query)."""
    now = now or timezone.now()
    return Order.objects.for_shop(shop).aggregate(
        to_accept=Count("pk", filter=Q(state=Order.State.PAID)),
        overdue=Count("pk", filter=Q(state=Order.State.PAID, respond_by__lt=now)),
        exceptions=Count("pk", filter=~Q(exception="")),
    )


def get_order_for_shop_or_404(shop, number):
    return get_for_shop_or_404(
        Order.objects.select_related("buyer", "checkout"), shop=shop, number=str(number)
    )


def order_lines(order) -> list:
    return list(order.lines.order_by("id"))


def latest_payment(checkout):
    return Payment.objects.filter(checkout=checkout).order_by("-created_at", "-pk").first()
