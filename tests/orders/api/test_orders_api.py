"""The orders API: cart, checkout (idempotent by token), the buyer's orders, the seller's
shop-scoped orders and the offline provider's webhook."""

import uuid
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from orders.models import CartLine, Order, Payment, PaymentEvent
from tests.factories.orders import fill_cart, paid_order, place, signed_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer_api(buyer):
    client = APIClient()
    client.force_authenticate(buyer)
    return client


@pytest.fixture
def seller_api(shop):
    client = APIClient()
    client.force_authenticate(shop.owner)
    return client


def test_cart_add_change_remove(buyer_api, cup, bowl):
    added = buyer_api.post("/api/v1/cart/lines/", {"sku": cup.pk, "quantity": 2})
    assert added.status_code == 201 and added.json()["quantity"] == 2
    buyer_api.post("/api/v1/cart/lines/", {"sku": bowl.pk, "quantity": 1})

    cart = buyer_api.get("/api/v1/cart/").json()
    assert cart["units"] == 3 and cart["subtotal"] == "211.50"
    assert [g["shop_name"] for g in cart["groups"]] == ["Shop A Teahouse", "Shop B Ceramics"]

    line_id = added.json()["id"]
    changed = buyer_api.patch(f"/api/v1/cart/lines/{line_id}/", {"quantity": 5})
    assert changed.status_code == 200 and changed.json()["quantity"] == 5
    assert buyer_api.delete(f"/api/v1/cart/lines/{line_id}/").status_code == 204
    assert CartLine.objects.count() == 1


@pytest.mark.parametrize("quantity", [0, -3, 1000, "x"])
def test_bad_quantities_answer_400_with_the_field(buyer_api, cup, quantity):
    response = buyer_api.post("/api/v1/cart/lines/", {"sku": cup.pk, "quantity": quantity})
    assert response.status_code == 400
    assert "quantity" in response.json()["error"]["fields"]


def test_beyond_the_stock_answers_409(buyer_api, cup):
    response = buyer_api.post("/api/v1/cart/lines/", {"sku": cup.pk, "quantity": 11})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "insufficient_stock"


def test_unknown_fields_are_refused(buyer_api, cup):
    response = buyer_api.post(
        "/api/v1/cart/lines/", {"sku": cup.pk, "quantity": 1, "price": "0.01"}
    )
    assert response.status_code == 400 and "price" in response.json()["error"]["fields"]


def checkout_body(buyer, **extra):
    return {
        "token": str(uuid.uuid4()),
        "address": buyer.addresses.get(is_default=True).pk,
        **extra,
    }


def test_checkout_is_idempotent_by_token(buyer_api, buyer, cup, bowl):
    fill_cart(buyer, (cup, 1), (bowl, 2))
    body = checkout_body(
        buyer,
        shops=[{"shop": cup.shop_id, "note": "Please wrap"}],
        invoice_type="personal",
        invoice_title="Zhang Min",
    )

    first = buyer_api.post("/api/v1/checkouts/", body, format="json")
    second = buyer_api.post("/api/v1/checkouts/", body, format="json")

    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["token"] == second.json()["token"]
    data = first.json()
    assert len(data["orders"]) == 2 and data["grand_total"] == "179.00"
    assert data["payment"]["test_mode"] is True and data["payment"]["state"] == "pending"
    assert Order.objects.count() == 2 and Payment.objects.count() == 1

    read = buyer_api.get(f"/api/v1/checkouts/{data['token']}/")
    assert read.status_code == 200 and read.json()["grand_total"] == "179.00"


def test_checkout_with_a_stale_total_answers_409(buyer_api, buyer, cup):
    fill_cart(buyer, (cup, 1))
    response = buyer_api.post(
        "/api/v1/checkouts/", checkout_body(buyer, expected_total="1.00"), format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "prices_changed"
    assert not Order.objects.exists()


def test_checkout_quote(buyer_api, buyer, cup):
    fill_cart(buyer, (cup, 2))
    address = buyer.addresses.get().pk
    quote = buyer_api.get("/api/v1/checkouts/quote/", {"address": address}).json()
    assert quote["grand_total"] == "186.00"
    assert buyer_api.get("/api/v1/checkouts/quote/", {"address": "x"}).status_code == 400


def test_the_buyers_orders_cancel_and_pay_again(buyer_api, buyer, cup, bowl):
    placement = place(buyer, (cup, 1), (bowl, 1))
    first, second = (o.number for o in placement.orders)

    listing = buyer_api.get("/api/v1/orders/").json()
    assert {o["number"] for o in listing["results"]} == {first, second}
    detail = buyer_api.get(f"/api/v1/orders/{first}/").json()
    assert detail["timeline"][0]["to_state"] == "pending_payment"

    cancelled = buyer_api.post(f"/api/v1/orders/{first}/cancel/", {"reason": "Changed my mind"})
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    again = buyer_api.post(f"/api/v1/orders/{first}/cancel/")
    assert again.status_code == 409

    payment = buyer_api.post(f"/api/v1/orders/{second}/pay/").json()
    assert payment["orders"] == [second]
    assert Decimal(payment["amount"]) == Order.objects.get(number=second).total
    refused = buyer_api.post(f"/api/v1/orders/{first}/pay/")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_payable"


def test_seller_orders_filters_accept_cancel_bulk(seller_api, shop, other_shop):
    first, second, third = paid_order(shop), paid_order(shop), paid_order(shop)
    foreign = paid_order(other_shop)

    listing = seller_api.get("/api/v1/seller/orders/", {"state": "paid"}).json()
    assert {o["number"] for o in listing["results"]} == {first.number, second.number, third.number}
    assert seller_api.get(f"/api/v1/seller/orders/{foreign.number}/").status_code == 404

    accepted = seller_api.post(f"/api/v1/seller/orders/{first.number}/accept/")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert seller_api.post(f"/api/v1/seller/orders/{first.number}/accept/").status_code == 409

    no_reason = seller_api.post(f"/api/v1/seller/orders/{second.number}/cancel/", {"reason": ""})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    cancelled = seller_api.post(
        f"/api/v1/seller/orders/{second.number}/cancel/", {"reason": "Broken in the kiln"}
    )
    assert cancelled.json()["state"] == "cancelled"

    bulk = seller_api.post(
        "/api/v1/seller/orders/bulk-accept/",
        {"numbers": [third.number, foreign.number, second.number]},
        format="json",
    ).json()
    assert bulk["accepted"] == [third.number]
    assert set(bulk["refused"]) == {foreign.number, second.number}
    assert Order.objects.get(pk=foreign.pk).state == "paid"


def test_seller_orders_list_takes_constant_queries(seller_api, shop, django_assert_max_num_queries):
    paid_order(shop)
    with django_assert_max_num_queries(15) as few:
        seller_api.get("/api/v1/seller/orders/")
    for _ in range(4):
        paid_order(shop)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = seller_api.get("/api/v1/seller/orders/")
    assert response.json()["count"] == 5


def test_the_offline_webhook(buyer, cup):
    placement = place(buyer, (cup, 1))
    body, headers = signed_event(placement.payment)
    client = APIClient()

    bad = client.post(
        "/api/v1/payments/webhooks/offline/",
        data=body,
        content_type="application/json",
        HTTP_OFFLINE_SIGNATURE="t=1,v1=00",
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_signature"

    ok = client.post(
        "/api/v1/payments/webhooks/offline/",
        data=body,
        content_type="application/json",
        HTTP_OFFLINE_SIGNATURE=headers["Offline-Signature"],
    )
    replay = client.post(
        "/api/v1/payments/webhooks/offline/",
        data=body,
        content_type="application/json",
        HTTP_OFFLINE_SIGNATURE=headers["Offline-Signature"],
    )
    assert ok.status_code == replay.status_code == 200
    assert ok.json()["outcome"] == replay.json()["outcome"] == "applied"
    assert PaymentEvent.objects.count() == 1
    assert Order.objects.get().state == "paid"
