"""Factories of the orders chapter. Products are made by the catalog's service (so stock has its
ledger rows) and put live directly (publishing needs processed images, which these tests do not
care about); carts, orders and payments are made through the orders services, so every order
here went through the real placement, stock reservation and signed payment confirmation."""

from __future__ import annotations

import itertools
import uuid
from decimal import Decimal

from django.utils import timezone

from catalog.models import Category, Product, Sku
from catalog.services import refresh_listings
from orders import services
from orders.models import Order, Payment
from orders.payments import get_provider
from orders.services.cart import cart_of_user
from orders.services.placement import InvoiceRequest, Placement, ShopChoice
from tests.factories.accounts import AddressFactory, UserFactory
from tests.factories.catalog import make_category, make_product, sku

_codes = itertools.count(1)


def order_category(*, commission_rate: str = "5.00") -> Category:
    """A leaf category with no required attributes (Home › Tea ware)."""
    home = make_category("Home", name_zh="家居")
    return make_category(
        "Tea ware", name_zh="茶具", parent=home, commission_rate=Decimal(commission_rate)
    )


def live_product(
    shop,
    *,
    price: str = "88.00",
    stock: int = 10,
    category: Category | None = None,
    title: str = "Celadon tea cup with saucer",
    weight: str | None = None,
) -> Product:
    category = category or order_category()
    code = f"SKU-{next(_codes):05d}"
    fields = {"weight": Decimal(weight)} if weight else {}
    product = make_product(
        shop,
        category,
        title=title,
        attributes={},
        description="<p>Glazed by hand in Longquan.</p>",
        search_keywords="tea cup",
        skus=[sku(code, price, stock=stock, **fields)],
    )
    Product.objects.filter(pk=product.pk).update(
        state=Product.State.LIVE, published_at=timezone.now()
    )
    refresh_listings([product.pk])
    product.refresh_from_db()
    return product


def live_sku(shop, **kwargs) -> Sku:
    product = live_product(shop, **kwargs)
    return Sku.objects.select_related("product", "shop").get(product=product)


def buyer_with_address(**kwargs):
    user = UserFactory(**kwargs)
    AddressFactory(user=user, is_default=True)
    return user


def fill_cart(user, *items):
    """`items`: (sku, quantity) pairs added to the user's cart."""
    cart = cart_of_user(user, create=True)
    for item_sku, quantity in items:
        services.add_to_cart(cart=cart, sku_id=item_sku.pk, quantity=quantity)
    return cart


def place(user, *items, token=None, choices=None, invoice=None, expected_total=None) -> Placement:
    """Fill the cart with `items` and check out to the user's default address."""
    if items:
        fill_cart(user, *items)
    return services.place_order(
        buyer=user,
        token=token or uuid.uuid4(),
        address_id=user.addresses.get(is_default=True).pk,
        choices=choices or {},
        invoice=invoice or InvoiceRequest(),
        expected_total=expected_total,
    )


def signed_event(payment: Payment, outcome: str = "succeeded", **overrides):
    """(body, headers) of an offline provider event for `payment`, signed like a real one."""
    provider = get_provider("offline")
    values = {
        "provider_ref": payment.provider_ref,
        "outcome": outcome,
        "amount": payment.amount,
        "currency": payment.currency,
        "checkout_token": str(payment.checkout.token),
        "payment_id": payment.pk,
    }
    values.update(overrides)
    body = provider.build_event(**values)
    return body, provider.sign(body)


def pay(payment: Payment, outcome: str = "succeeded"):
    body, headers = signed_event(payment, outcome)
    return services.receive_payment_event("offline", body, headers)


def paid_order(shop, *, buyer=None, quantity: int = 1, **product_fields) -> Order:
    buyer = buyer or buyer_with_address()
    placement = place(buyer, (live_sku(shop, **product_fields), quantity))
    pay(placement.payment)
    order = placement.orders[0]
    order.refresh_from_db()
    return order


def pending_order(shop, *, buyer=None, quantity: int = 1, **product_fields) -> Order:
    buyer = buyer or buyer_with_address()
    placement = place(buyer, (live_sku(shop, **product_fields), quantity))
    return placement.orders[0]


__all__ = [
    "ShopChoice",
    "buyer_with_address",
    "fill_cart",
    "live_product",
    "live_sku",
    "order_category",
    "paid_order",
    "pay",
    "pending_order",
    "place",
    "signed_event",
]


def tenancy_objects(shop):
    """For the tenancy walk (tests/test_tenancy.py): a paid order of `shop` whose delivery address
    says "Zz Secret Street" (a marker that must never reach another shop), and a cart line of the
    shop owner's own cart (user-scoped, like the address book). The product is delisted
    afterwards: the walk also reads the public catalogue, which must show nothing of shop A."""
    from tests.factories.accounts import AddressFactory

    buyer = UserFactory(email="a-buyer-zz@example.com")
    AddressFactory(user=buyer, is_default=True, detail="Zz Secret Street 2")
    sku_of_a = live_sku(shop, title="Celadon teapot of shop A")
    placement = place(buyer, (sku_of_a, 1))
    pay(placement.payment)
    order = Order.objects.get(pk=placement.orders[0].pk)
    cart = fill_cart(shop.owner, (sku_of_a, 1))
    # Off sale again, so the public catalogue (walked too) has nothing of shop A to show.
    Product.objects.filter(pk=sku_of_a.product_id).update(state=Product.State.DELISTED)
    refresh_listings([sku_of_a.product_id])
    return order, cart.lines.get()
