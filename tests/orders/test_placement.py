"""Placing a checkout: one order per shop, stock reserved with ledger rows, one payment,
idempotent by the checkout token, and nothing written when anything is refused."""

import uuid
from decimal import Decimal

import pytest

from catalog.models import Product, Sku, StockMovement
from marketplace.core.models import StateEvent
from orders.errors import OrdersError
from orders.models import Cart, CartLine, Checkout, Order, OrderLine, Payment
from orders.services.placement import InvoiceRequest, ShopChoice
from tests.factories.orders import fill_cart, place

pytestmark = pytest.mark.django_db


def test_one_checkout_makes_one_order_per_shop_and_one_payment(buyer, cup, bowl):
    placement = place(buyer, (cup, 2), (bowl, 1))

    assert placement.created
    orders = sorted(placement.orders, key=lambda o: o.shop_id)
    assert [o.shop_id for o in orders] == sorted([cup.shop_id, bowl.shop_id])
    assert {o.state for o in orders} == {Order.State.PENDING_PAYMENT}
    by_shop = {o.shop_id: o for o in orders}
    assert by_shop[cup.shop_id].merchandise_total == Decimal("176.00")
    assert by_shop[bowl.shop_id].merchandise_total == Decimal("35.50")
    # Shipping from logistics (the flat rate when the shop has no template): per shop parcel.
    for order in orders:
        assert order.total == order.merchandise_total + order.shipping
    checkout = placement.checkout
    assert checkout.grand_total == sum(o.total for o in orders)
    payment = placement.payment
    assert payment.amount == checkout.grand_total
    assert payment.state == Payment.State.PENDING
    assert payment.provider == "offline" and payment.provider_ref.startswith("off_pi_")
    assert sorted(payment.allocations.values_list("amount", flat=True)) == sorted(
        o.total for o in orders
    )


def test_stock_is_reserved_with_a_ledger_row_per_sku(buyer, cup, bowl):
    placement = place(buyer, (cup, 2), (bowl, 1))

    cup.refresh_from_db()
    assert (cup.stock, cup.reserved) == (8, 2)
    order = next(o for o in placement.orders if o.shop_id == cup.shop_id)
    movement = StockMovement.objects.get(sku=cup, reference=order.number)
    assert (movement.kind, movement.quantity, movement.reserved_change) == ("reserved", -2, 2)


def test_lines_snapshot_prices_and_the_cart_is_emptied(buyer, cup):
    placement = place(buyer, (cup, 3))

    line = OrderLine.objects.get(order=placement.orders[0])
    assert (line.quantity, line.list_price, line.line_total) == (
        3,
        Decimal("88.00"),
        Decimal("264.00"),
    )
    assert line.title == cup.product.title and line.sku_code == cup.code
    assert not CartLine.objects.filter(cart__user=buyer).exists()
    # A later price change does not touch the order.
    Sku.objects.filter(pk=cup.pk).update(price=Decimal("1.00"))
    line.refresh_from_db()
    assert line.list_price == Decimal("88.00")


def test_the_order_timeline_starts_with_placed(buyer, cup):
    order = place(buyer, (cup, 1)).orders[0]

    event = StateEvent.objects.get(object_id=str(order.pk), machine="order")
    assert (event.from_state, event.to_state, event.actor) == ("", "pending_payment", buyer)


def test_a_second_submit_of_the_same_checkout_returns_the_same_orders(buyer, cup):
    token = uuid.uuid4()
    first = place(buyer, (cup, 2), token=token)
    fill_cart(buyer, (cup, 1))  # even if the cart changed meanwhile

    second = place(buyer, token=token)

    assert not second.created
    assert second.checkout.pk == first.checkout.pk
    assert [o.pk for o in second.orders] == [o.pk for o in first.orders]
    assert second.payment.pk == first.payment.pk
    assert Order.objects.count() == 1 and Payment.objects.count() == 1
    cup.refresh_from_db()
    assert cup.reserved == 2


def test_another_buyers_token_is_refused(buyer, cup):
    from tests.factories.orders import buyer_with_address

    token = uuid.uuid4()
    place(buyer, (cup, 1), token=token)
    intruder = buyer_with_address()
    fill_cart(intruder, (cup, 1))

    with pytest.raises(OrdersError) as error:
        place(intruder, token=token)

    assert error.value.code == "checkout_taken"
    assert Order.objects.filter(buyer=intruder).count() == 0


def test_more_than_the_stock_is_refused_and_nothing_is_written(buyer, cup):
    fill_cart(buyer, (cup, 5))
    Sku.objects.filter(pk=cup.pk).update(stock=3)  # sold elsewhere since it was added

    with pytest.raises(OrdersError) as error:
        place(buyer)

    assert error.value.code == "insufficient_stock"
    assert "Only 3" in str(error.value.message)
    assert not Checkout.objects.exists() and not Order.objects.exists()
    assert not StockMovement.objects.filter(kind="reserved").exists()
    assert CartLine.objects.filter(cart__user=buyer).count() == 1


def test_a_sku_delisted_while_in_the_cart_is_left_out(buyer, cup, bowl):
    fill_cart(buyer, (cup, 1), (bowl, 1))
    Product.objects.filter(pk=bowl.product_id).update(state=Product.State.DELISTED)

    placement = place(buyer)

    assert [o.shop_id for o in placement.orders] == [cup.shop_id]
    assert list(CartLine.objects.filter(cart__user=buyer).values_list("sku_id", flat=True)) == [
        bowl.pk
    ]


def test_a_cart_of_only_unavailable_lines_is_refused(buyer, cup):
    fill_cart(buyer, (cup, 1))
    Sku.objects.filter(pk=cup.pk).update(is_active=False)

    with pytest.raises(OrdersError) as error:
        place(buyer)

    assert error.value.code == "unavailable"
    assert not Order.objects.exists()


def test_an_empty_cart_is_refused(buyer):
    Cart.objects.create(user=buyer)
    with pytest.raises(OrdersError) as error:
        place(buyer)
    assert error.value.code == "empty_cart"


def test_a_total_other_than_the_reviewed_one_is_refused(buyer, cup):
    fill_cart(buyer, (cup, 1))

    with pytest.raises(OrdersError) as error:
        place(buyer, expected_total=Decimal("1.00"))  # e.g. a tampered hidden field

    assert error.value.code == "prices_changed"
    assert not Order.objects.exists()
    cup.refresh_from_db()
    assert cup.reserved == 0


def test_the_reviewed_total_lets_the_order_through(buyer, cup):
    placement = place(buyer, (cup, 1), expected_total=Decimal("98.00"))  # ¥88 + ¥10 flat rate
    assert placement.checkout.grand_total == Decimal("98.00")


def test_choices_for_shops_not_in_the_cart_are_ignored(buyer, cup, other_shop):
    placement = place(
        buyer,
        (cup, 1),
        choices={
            cup.shop_id: ShopChoice(note="Gift wrap, please"),
            other_shop.pk: ShopChoice(note="tampered"),
            "not-a-shop": ShopChoice(note="x"),
        },
    )

    assert len(placement.orders) == 1
    assert placement.orders[0].note == "Gift wrap, please"


def test_a_carrier_the_shop_does_not_offer_is_refused(buyer, cup):
    fill_cart(buyer, (cup, 1))
    with pytest.raises(OrdersError) as error:
        place(buyer, choices={cup.shop_id: ShopChoice(carrier_code="nonexistent")})
    assert error.value.field == "carrier"
    assert not Order.objects.exists()


def test_an_address_of_another_buyer_is_refused(buyer, cup):
    from tests.factories.accounts import AddressFactory

    fill_cart(buyer, (cup, 1))
    foreign = AddressFactory()
    from orders import services

    with pytest.raises(OrdersError) as error:
        services.place_order(buyer=buyer, token=uuid.uuid4(), address_id=foreign.pk)
    assert error.value.field == "address"


@pytest.mark.parametrize(
    ("invoice", "field"),
    [
        (InvoiceRequest(type="company", title="Jade Ltd", tax_number="123"), "invoice_tax_number"),
        (InvoiceRequest(type="personal", title=""), "invoice_title"),
        (InvoiceRequest(type="bogus"), "invoice_type"),
    ],
)
def test_bad_invoice_requests_are_refused(buyer, cup, invoice, field):
    fill_cart(buyer, (cup, 1))
    with pytest.raises(OrdersError) as error:
        place(buyer, invoice=invoice)
    assert error.value.field == field
    assert not Order.objects.exists()


def test_a_company_invoice_is_kept_on_every_order(buyer, cup, bowl):
    invoice = InvoiceRequest(type="company", title="Jade Ltd", tax_number="91330106ma2h3jt01x")
    placement = place(buyer, (cup, 1), (bowl, 1), invoice=invoice)

    for order in placement.orders:
        assert (order.invoice_type, order.invoice_title, order.invoice_tax_number) == (
            "company",
            "Jade Ltd",
            "91330106MA2H3JT01X",
        )
