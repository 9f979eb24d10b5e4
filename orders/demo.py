"""Demo orders for `manage.py seed_demo` (idempotent: each demo checkout has a fixed token, so a
second run finds it and creates nothing).

The demo buyer (buyer@demo.marketplace.local) checks out live products of the demo shops through
the real services (placement, the offline provider's signed confirmation, the state machine), so
every order has its stock ledger rows and its timeline:

- a two-shop checkout, paid: one order accepted, the other paid and overdue on the seller's clock;
- an order waiting for payment (the beat job cancels it 30 minutes after seeding);
- an order shipped, one partly shipped, one delivered, one completed after its return window,
  one with an address exception;
- an order cancelled by the buyer before paying, one cancelled by the seller with a reason.

Without live demo products (the catalog's demo data), it says so and creates nothing.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from catalog.models import Product, Sku
from marketplace.accounts.models import User
from orders import services
from orders.fulfilment import demo as fulfilment_demo
from orders.models import Checkout, Order
from orders.payments import get_provider
from orders.services.cart import cart_of_user
from shops.models import Shop

BUYER = "buyer@demo.marketplace.local"
NAMESPACE = uuid.UUID("6f1c1a52-8a43-4d0e-9a3e-0d3b1f0c0de5")

# name → (how many shops, units of each SKU, what happens after placement)
SCENARIOS = [
    ("two-shops-paid", 2, 1, "accept-first-overdue-second"),
    ("waiting-for-payment", 1, 1, "pending"),
    ("shipped", 1, 2, "shipped"),
    ("partly-shipped", 1, 2, "partly-shipped"),
    ("delivered", 1, 1, "delivered"),
    ("completed", 1, 1, "completed"),
    ("address-exception", 1, 1, "exception"),
    ("cancelled-by-buyer", 1, 1, "cancel-buyer"),
    ("cancelled-by-seller", 1, 1, "cancel-seller"),
]


def _token(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"demo-checkout:{name}")


def _demo_skus() -> dict[int, list[Sku]]:
    skus = (
        Sku.objects.filter(
            is_active=True,
            stock__gte=5,
            product__state=Product.State.LIVE,
            shop__state__in=Shop.VISIBLE_STATES,
            shop__memberships__user__email__endswith="@demo.marketplace.local",
        )
        .select_related("product", "shop")
        .distinct()
        .order_by("shop_id", "pk")
    )
    by_shop: dict[int, list[Sku]] = {}
    for sku in skus:
        by_shop.setdefault(sku.shop_id, []).append(sku)
    return by_shop


def _pay(placement) -> None:
    payment = placement.payment
    if payment is None:
        return
    provider = get_provider("offline")
    if payment.provider != provider.name:
        return
    body = provider.build_event(
        provider_ref=payment.provider_ref,
        outcome="succeeded",
        amount=payment.amount,
        currency=payment.currency,
        checkout_token=str(payment.checkout.token),
        payment_id=payment.pk,
    )
    services.receive_payment_event(provider.name, body, provider.sign(body))


def _after(kind: str, orders: list[Order], buyer) -> None:
    now = timezone.now()
    owner = {order.pk: order.shop.memberships.order_by("pk").first().user for order in orders}
    first = orders[0]
    if kind == "accept-first-overdue-second":
        services.accept_order(first, shop=first.shop, actor=owner[first.pk])
        for order in orders[1:]:
            Order.objects.filter(pk=order.pk).update(
                paid_at=now - timedelta(minutes=45), respond_by=now - timedelta(minutes=15)
            )
    elif kind == "shipped":
        services.accept_order(first, shop=first.shop, actor=owner[first.pk])
        services.record_shipment(first, shop=first.shop, actor=owner[first.pk])
    elif kind == "partly-shipped":
        services.accept_order(first, shop=first.shop, actor=owner[first.pk])
        line = first.lines.order_by("pk").first()
        services.record_shipment(
            first, shop=first.shop, actor=owner[first.pk], quantities={line.pk: 1}
        )
    elif kind == "delivered":
        services.record_shipment(first, shop=first.shop, actor=owner[first.pk])
        services.mark_delivered(first, reason="Signed for by the buyer.")
    elif kind == "completed":
        services.record_shipment(first, shop=first.shop, actor=owner[first.pk])
        services.confirm_receipt(first, buyer=buyer)
        Order.objects.filter(pk=first.pk).update(complete_after=now - timedelta(minutes=1))
        services.complete_order(first)
    elif kind == "exception":
        services.flag_problem(
            first,
            kind=Order.Problem.ADDRESS_PROBLEM,
            note="The building number is missing; call the buyer before shipping.",
        )
    elif kind == "cancel-buyer":
        services.cancel_order(
            first, by=Order.CancelledBy.BUYER, actor=buyer, reason="Ordered twice"
        )
    elif kind == "cancel-seller":
        services.cancel_order(
            first,
            by=Order.CancelledBy.SELLER,
            actor=owner[first.pk],
            shop=first.shop,
            reason="Out of stock: the last ones broke in the kiln.",
        )


def seed_demo(stdout) -> None:
    buyer = User.objects.filter(email=BUYER).first()
    if buyer is None or not buyer.addresses.exists():
        stdout.write("orders: no demo buyer with an address; skipped.")
        return
    by_shop = _demo_skus()
    if not by_shop:
        stdout.write("orders: no live demo products yet (catalog demo data); no demo orders.")
        return
    shop_ids = list(by_shop)
    address = buyer.addresses.order_by("-is_default", "pk").first()
    created = 0
    cart = cart_of_user(buyer, create=True)
    saved_lines = [(line.sku_id, line.quantity) for line in cart.lines.all()]
    for index, (name, shops_wanted, units, kind) in enumerate(SCENARIOS):
        token = _token(name)
        if Checkout.objects.filter(token=token).exists():
            continue
        if len(shop_ids) < shops_wanted:
            continue
        cart.lines.all().delete()
        for offset in range(shops_wanted):
            skus = by_shop[shop_ids[(index + offset) % len(shop_ids)]]
            sku = skus[index % len(skus)]
            services.add_to_cart(cart=cart, sku_id=sku.pk, quantity=units)
        placement = services.place_order(buyer=buyer, token=token, address_id=address.pk)
        if kind not in ("pending", "cancel-buyer"):
            _pay(placement)
        orders = list(Order.objects.filter(checkout=placement.checkout).order_by("shop_id"))
        _after(kind, orders, buyer)
        created += 1
    # Give the buyer back whatever was in the cart before.
    cart.lines.all().delete()
    for sku_id, quantity in saved_lines:
        try:
            services.add_to_cart(cart=cart, sku_id=sku_id, quantity=quantity)
        except Exception:  # noqa: S112 - an item that is no longer available is simply dropped
            continue
    stdout.write(f"orders: {created} demo checkouts created ({len(SCENARIOS)} in the set).")
    fulfilment_demo.seed_demo_parcels(stdout)  # the shipped ones' parcels and tracking
