"""The three checkout steps in pages: address, review and pay (the offline provider's test page),
done; tampering and double submits; the buyer's orders."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import Checkout, Order, Payment
from tests.factories.orders import fill_cart, place

pytestmark = pytest.mark.django_db


def review(client):
    page = client.get(reverse("checkout-review"))
    assert page.status_code == 200, page.content.decode()[:500]
    form = page.context["form"]
    return page, {"token": form.initial["token"], "expected_total": form.initial["expected_total"]}


def choose_address(client, buyer):
    response = client.post(
        reverse("checkout"),
        {"step": "choose", "address": buyer.addresses.get(is_default=True).pk},
    )
    assert response.status_code == 302 and response["Location"] == reverse("checkout-review")


def test_the_whole_checkout_in_three_steps(buyer_client, buyer, cup, bowl, on_commit):
    fill_cart(buyer, (cup, 2), (bowl, 1))

    step1 = buyer_client.get(reverse("checkout"))
    assert step1.status_code == 200 and "Deliver to" in step1.content.decode()
    choose_address(buyer_client, buyer)
    page, data = review(buyer_client)
    body = page.content.decode()
    assert "Test mode" in body and "Shop A Teahouse" in body and "Shop B Ceramics" in body
    assert data["expected_total"] == Decimal("231.50")  # 176 + 35.50 + two flat-rate parcels

    placed = buyer_client.post(reverse("checkout-review"), {**data, "place": "1"})

    payment = Payment.objects.get()
    assert placed.status_code == 302 and placed["Location"] == payment.redirect_url
    test_page = buyer_client.get(payment.redirect_url)
    assert "TEST MODE" in test_page.content.decode()
    with on_commit():
        paid = buyer_client.post(payment.redirect_url, {"outcome": "succeeded"})
    done_url = reverse("checkout-done", args=[payment.checkout.token])
    assert paid["Location"] == done_url
    done = buyer_client.get(done_url)
    assert "Payment received" in done.content.decode()
    assert set(Order.objects.values_list("state", flat=True)) == {"paid"}


def test_step_one_can_add_a_new_address(client, cup):
    from tests.factories.accounts import UserFactory

    newcomer = UserFactory()
    client.force_login(newcomer)
    fill_cart(newcomer, (cup, 1))

    response = client.post(
        reverse("checkout"),
        {
            "step": "new",
            "new-recipient": "王芳",
            "new-phone": "13900139000",
            "new-province": "北京市",
            "new-city": "北京市",
            "new-district": "朝阳区",
            "new-detail": "建国路 1 号",
            "new-postcode": "100020",
        },
    )

    assert response.status_code == 302
    assert newcomer.addresses.get().is_default
    assert "北京" in review(client)[0].content.decode()


def test_checkout_asks_guests_to_sign_in(client, cup):
    response = client.get(reverse("checkout-start"))
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("checkout"))["Location"].startswith(reverse("accounts:login"))


def test_an_empty_cart_goes_back_to_the_cart(buyer_client):
    assert buyer_client.get(reverse("checkout"))["Location"] == reverse("cart")


def test_a_double_submit_places_one_set_of_orders(buyer_client, buyer, cup, bowl):
    fill_cart(buyer, (cup, 1), (bowl, 1))
    choose_address(buyer_client, buyer)
    _page, data = review(buyer_client)

    first = buyer_client.post(reverse("checkout-review"), {**data, "place": "1"})
    second = buyer_client.post(reverse("checkout-review"), {**data, "place": "1"})

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Checkout.objects.count() == 1 and Order.objects.count() == 2
    assert Payment.objects.count() == 1


def test_a_tampered_total_is_refused_and_the_review_shown_again(buyer_client, buyer, cup):
    fill_cart(buyer, (cup, 1))
    choose_address(buyer_client, buyer)
    _page, data = review(buyer_client)

    response = buyer_client.post(
        reverse("checkout-review"), {**data, "expected_total": "0.01", "place": "1"}
    )

    assert response.status_code == 200
    assert "Please review it again" in response.content.decode()
    assert not Order.objects.exists()
    # The page now carries the real total: submitting it again works.
    form = response.context["form"]
    retry = buyer_client.post(
        reverse("checkout-review"),
        {"token": form.data["token"], "expected_total": form.data["expected_total"], "place": "1"},
    )
    assert retry.status_code == 302 and Order.objects.count() == 1


def test_tampered_prices_and_shop_ids_in_the_form_are_ignored(buyer_client, buyer, cup, other_shop):
    fill_cart(buyer, (cup, 1))
    choose_address(buyer_client, buyer)
    _page, data = review(buyer_client)

    buyer_client.post(
        reverse("checkout-review"),
        {
            **data,
            "place": "1",
            "price": "0.01",
            f"line-{cup.pk}-price": "0.01",
            f"shop-{other_shop.pk}-note": "not my shop",
            "shop_id": other_shop.pk,
        },
    )

    order = Order.objects.get()
    assert order.shop_id == cup.shop_id and order.merchandise_total == Decimal("88.00")
    assert order.note == ""


def test_a_malformed_token_is_an_error_not_a_500(buyer_client, buyer, cup):
    fill_cart(buyer, (cup, 1))
    choose_address(buyer_client, buyer)
    _page, data = review(buyer_client)

    response = buyer_client.post(
        reverse("checkout-review"), {**data, "token": "not-a-uuid", "place": "1"}
    )

    assert response.status_code == 400
    assert not Order.objects.exists()


def test_a_company_invoice_without_tax_number_is_shown_on_its_field(buyer_client, buyer, cup):
    fill_cart(buyer, (cup, 1))
    choose_address(buyer_client, buyer)
    _page, data = review(buyer_client)

    response = buyer_client.post(
        reverse("checkout-review"),
        {**data, "place": "1", "invoice_type": "company", "invoice_title": "Jade Ltd"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["invoice_tax_number"]
    assert not Order.objects.exists()


def test_the_done_page_never_claims_a_payment_that_did_not_succeed(buyer_client, buyer, cup):
    placement = place(buyer, (cup, 1))
    url = reverse("checkout-done", args=[placement.checkout.token])

    body = buyer_client.get(url + "?paid=1&status=succeeded").content.decode()

    assert "Payment received" not in body
    assert "Waiting for the payment confirmation" in body
    assert 'hx-trigger="every 2s"' in body


def test_the_done_page_offers_to_pay_again_after_a_decline(buyer_client, buyer, cup, on_commit):
    placement = place(buyer, (cup, 1))
    with on_commit():
        buyer_client.post(placement.payment.redirect_url, {"outcome": "failed"})

    body = buyer_client.get(reverse("checkout-done", args=[placement.checkout.token])).content
    assert b"did not go through" in body and b"Pay again" in body

    response = buyer_client.post(reverse("order-pay", args=[placement.orders[0].number]))
    new = Payment.objects.exclude(pk=placement.payment.pk).get()
    assert response["Location"] == new.redirect_url


def test_another_buyers_checkout_and_test_payment_are_404(client, buyer, cup):
    from tests.factories.orders import buyer_with_address

    placement = place(buyer, (cup, 1))
    client.force_login(buyer_with_address())

    assert client.get(reverse("checkout-done", args=[placement.checkout.token])).status_code == 404
    assert client.get(placement.payment.redirect_url).status_code == 404
    assert client.post(placement.payment.redirect_url, {"outcome": "succeeded"}).status_code == 404
    assert Payment.objects.get().state == Payment.State.PENDING


def test_a_cancelled_orders_test_payment_cannot_be_confirmed(buyer_client, buyer, cup, on_commit):
    placement = place(buyer, (cup, 1))
    buyer_client.post(reverse("order-cancel", args=[placement.orders[0].number]))

    with on_commit():
        response = buyer_client.post(placement.payment.redirect_url, {"outcome": "succeeded"})

    assert response.status_code == 302
    assert Order.objects.get().state == Order.State.CANCELLED
    assert Payment.objects.get().state == Payment.State.CANCELLED
    pay_again = buyer_client.post(
        reverse("order-pay", args=[placement.orders[0].number]), follow=True
    )
    assert "cannot be paid" in pay_again.content.decode()


def test_the_buyers_orders_list_and_detail_with_timeline(buyer_client, buyer, cup, bowl):
    placement = place(buyer, (cup, 1), (bowl, 2))
    order = placement.orders[0]

    listing = buyer_client.get(reverse("order-list"))
    assert listing.status_code == 200
    assert all(o.number in listing.content.decode() for o in placement.orders)
    assert buyer_client.get(reverse("order-list"), {"tab": "to_pay"}).status_code == 200
    detail = buyer_client.get(reverse("order-detail", args=[order.number]))
    body = detail.content.decode()
    assert "Timeline" in body and "Placed" in body and "Pay now" in body


def test_the_buyer_cancels_before_shipping(buyer_client, buyer, cup):
    order = place(buyer, (cup, 2)).orders[0]

    response = buyer_client.post(
        reverse("order-cancel", args=[order.number]), {"reason": "Ordered twice"}, follow=True
    )

    assert "was cancelled" in response.content.decode()
    order.refresh_from_db()
    assert (order.state, order.cancelled_by) == ("cancelled", "buyer")
    cup.refresh_from_db()
    assert (cup.stock, cup.reserved) == (10, 0)


def test_another_buyers_order_is_404(client, buyer, cup):
    from tests.factories.orders import buyer_with_address

    order = place(buyer, (cup, 1)).orders[0]
    client.force_login(buyer_with_address())

    for name in ("order-detail",):
        assert client.get(reverse(name, args=[order.number])).status_code == 404
    for name in ("order-cancel", "order-pay", "order-confirm-receipt"):
        assert client.post(reverse(name, args=[order.number])).status_code == 404
    assert Order.objects.get().state == Order.State.PENDING_PAYMENT


def test_the_order_pages_take_a_constant_number_of_queries(
    buyer_client, buyer, cup, bowl, django_assert_max_num_queries
):
    place(buyer, (cup, 1), (bowl, 1))
    with django_assert_max_num_queries(12) as few:
        buyer_client.get(reverse("order-list"))
    for _ in range(4):
        place(buyer, (cup, 1), (bowl, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        buyer_client.get(reverse("order-list"))


def test_html_has_no_inline_script(buyer_client, buyer, cup):
    fill_cart(buyer, (cup, 1))
    choose_address(buyer_client, buyer)
    body = review(buyer_client)[0].content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
