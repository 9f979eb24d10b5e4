"""The cart page and its actions, for guests and signed-in buyers; the merge at login; the header
badge."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Product, Sku
from catalog.storefront.listings import product_url
from orders.models import Cart, CartLine
from tests.factories.orders import fill_cart

pytestmark = pytest.mark.django_db


def add(client, sku, quantity=1, **kwargs):
    return client.post(reverse("cart-add"), {"sku": sku.pk, "quantity": quantity}, **kwargs)


def test_a_guest_adds_products_from_two_shops_and_sees_them_grouped(client, cup, bowl):
    add(client, cup, 2)
    add(client, bowl, 1)

    page = client.get(reverse("cart"))

    body = page.content.decode()
    assert page.status_code == 200
    assert "Shop A Teahouse" in body and "Shop B Ceramics" in body
    assert body.index("Shop A Teahouse") < body.index("Shop B Ceramics")
    assert "¥211.50" in body  # 2 × 88.00 + 35.50
    assert page.context["cart_count"] == 3
    assert Cart.objects.get(user=None).lines.count() == 2


def test_the_add_page_for_a_sku(client, cup):
    page = client.get(reverse("cart-add"), {"sku": cup.pk})
    assert page.status_code == 200 and cup.product.title in page.content.decode()
    assert client.get(reverse("cart-add"), {"sku": "x"}).status_code == 404
    assert client.get(reverse("cart-add"), {"sku": 999999}).status_code == 404


@pytest.mark.parametrize("quantity", [0, -1, "abc", 1000])
def test_bad_quantities_go_back_to_the_product_page_with_one_message(client, cup, quantity):
    response = add(client, cup, quantity)

    assert response.status_code == 302
    assert response.url == product_url(cup.product_id, cup.product.slug)
    page = client.get(response.url).content.decode()
    assert page.count("Enter a quantity from 1 to 999.") == 1
    assert not CartLine.objects.exists()


def test_more_than_the_stock_is_refused_on_the_product_page(client, cup):
    response = add(client, cup, 11, follow=True)

    assert response.redirect_chain[-1][0] == product_url(cup.product_id, cup.product.slug)
    assert response.content.decode().count("Only 10") == 1
    assert not CartLine.objects.exists()


def test_the_stock_message_counts_what_is_already_in_the_cart(client, cup):
    add(client, cup, 4)
    response = add(client, cup, 7, follow=True)
    assert "Only 10 of “" in response.content.decode()
    assert "and 4 are already in your cart." in response.content.decode()
    assert CartLine.objects.get().quantity == 4


def test_a_delisted_product_cannot_be_added(client, cup):
    Product.objects.filter(pk=cup.product_id).update(state=Product.State.DELISTED)
    response = add(client, cup, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cart")
    assert "no longer available" in response.content.decode()


def test_updating_and_removing_lines(client, cup):
    add(client, cup, 1)
    line = CartLine.objects.get()

    client.post(reverse("cart-line-update", args=[line.pk]), {"quantity": 4})
    line.refresh_from_db()
    assert line.quantity == 4

    response = client.post(
        reverse("cart-line-update", args=[line.pk]), {"quantity": -1}, follow=True
    )
    assert "Enter a quantity" in response.content.decode()
    line.refresh_from_db()
    assert line.quantity == 4

    response = client.post(
        reverse("cart-line-update", args=[line.pk]), {"quantity": 50}, follow=True
    )
    assert "Only 10" in response.content.decode()

    client.post(reverse("cart-line-remove", args=[line.pk]))
    assert not CartLine.objects.exists()


def test_a_line_set_to_zero_leaves_the_cart(client, cup, bowl):
    add(client, cup, 2)
    add(client, bowl, 1)
    line = CartLine.objects.get(sku=cup)

    response = client.post(
        reverse("cart-line-update", args=[line.pk]), {"quantity": "0"}, follow=True
    )

    assert "Removed from your cart." in response.content.decode()
    assert list(CartLine.objects.values_list("sku", flat=True)) == [bowl.pk]


def test_another_visitors_line_cannot_be_touched(client, cup, buyer):
    fill_cart(buyer, (cup, 1))
    foreign = CartLine.objects.get()
    add(client, cup, 1)

    response = client.post(reverse("cart-line-remove", args=[foreign.pk]), follow=True)

    assert "not in your cart" in response.content.decode()
    assert CartLine.objects.filter(pk=foreign.pk).exists()


def test_a_price_change_is_flagged_until_accepted(client, cup):
    add(client, cup, 1)
    Sku.objects.filter(pk=cup.pk).update(price=Decimal("95.00"))

    body = client.get(reverse("cart")).content.decode()
    assert "was ¥88.00 when you added it" in body

    client.post(reverse("cart-accept-prices"))
    body = client.get(reverse("cart")).content.decode()
    assert "when you added it" not in body
    assert "¥95.00" in body


def test_a_line_beyond_the_stock_left_blocks_checkout(client, cup):
    add(client, cup, 5)
    Sku.objects.filter(pk=cup.pk).update(stock=2)

    page = client.get(reverse("cart"))

    assert "Only 2" in page.content.decode()
    assert not page.context["summary"].can_check_out


def test_a_delisted_line_is_shown_unavailable_and_not_counted(client, cup, bowl):
    add(client, cup, 1)
    add(client, bowl, 1)
    Product.objects.filter(pk=bowl.product_id).update(state=Product.State.DELISTED)

    page = client.get(reverse("cart"))

    assert "no longer available" in page.content.decode()
    assert page.context["summary"].priced.subtotal == Decimal("88.00")
    assert page.context["summary"].can_check_out


def test_the_guest_cart_merges_into_the_buyers_cart_at_login(client, cup, bowl, buyer, password):
    fill_cart(buyer, (cup, 1))
    add(client, cup, 2)
    add(client, bowl, 1)

    client.post(reverse("accounts:login"), {"username": buyer.email, "password": password})

    lines = {line.sku_id: line.quantity for line in CartLine.objects.filter(cart__user=buyer)}
    assert lines == {cup.pk: 3, bowl.pk: 1}
    assert not Cart.objects.filter(user=None).exists()
    assert client.get(reverse("cart")).context["cart_count"] == 4


def test_the_merge_never_goes_beyond_the_stock(client, bowl, buyer, password):
    fill_cart(buyer, (bowl, 4))
    add(client, bowl, 3)

    client.post(reverse("accounts:login"), {"username": buyer.email, "password": password})

    assert CartLine.objects.get(cart__user=buyer).quantity == 5


def test_the_header_badge_costs_at_most_one_query(
    client, cup, buyer, django_assert_max_num_queries
):
    from django.template import Context, Template
    from django.test import RequestFactory

    from orders.context_processors import cart

    fill_cart(buyer, (cup, 2))
    request = RequestFactory().get("/")
    request.user = buyer
    request.session = {}
    with django_assert_max_num_queries(1):
        html = Template("{% if cart_count %}{{ cart_count }}{% endif %}").render(
            Context(cart(request))
        )
    assert html == "2"


def test_the_seller_center_never_asks_for_the_cart(seller_client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        seller_client.get(reverse("seller:dashboard"))
    assert not [q for q in queries.captured_queries if "orders_cartline" in q["sql"]]
