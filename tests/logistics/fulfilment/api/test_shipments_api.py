"""The shipments API (issue 7, item 6): the seller's parcels (shop-scoped; ship one, or several at
once, all or none), the buyer's parcels with their tracking, errors in the API's one shape."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from logistics.models import Shipment
from orders.fulfilment.services import ship_order
from orders.models import Order
from shops.roles import Role
from tests.factories.shops import MembershipFactory

pytestmark = pytest.mark.django_db
SHIPMENTS = "/api/v1/seller/shipments/"
PARCELS = "/api/v1/parcels/"


@pytest.fixture
def seller_api(shop):
    client = APIClient()
    client.force_authenticate(shop.owner)
    return client


@pytest.fixture
def buyer_api(buyer):
    client = APIClient()
    client.force_authenticate(buyer)
    return client


def test_a_seller_ships_a_whole_order(seller_api, order, carriers):
    response = seller_api.post(
        SHIPMENTS,
        {
            "order_number": order.number,
            "carrier": carriers["offline"].pk,
            "tracking_number": "sim-api-0001",
            "cost": "7.00",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["tracking_number"] == "SIM-API-0001"
    assert data["state"] == "shipped" and data["carrier"]["code"] == "offline"
    assert data["cost"] == "7.00" and data["estimated_delivery"]
    assert sum(line["quantity"] for line in data["lines"]) == 3
    assert [event["status"] for event in data["events"]] == ["shipped"]
    order.refresh_from_db()
    assert order.state == Order.State.SHIPPED


def test_a_seller_ships_some_lines(seller_api, order, carriers):
    cup = order.lines.order_by("pk").first()
    response = seller_api.post(
        SHIPMENTS,
        {
            "order_number": order.number,
            "carrier": carriers["offline"].pk,
            "tracking_number": "SIMAPI0002",
            "lines": [{"line_id": cup.pk, "quantity": 1}],
        },
        format="json",
    )
    assert response.status_code == 201
    order.refresh_from_db()
    assert order.state == Order.State.PARTLY_SHIPPED


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"tracking_number": "SIMAPI0003"}, 400, "order_number"),
        ({"order_number": "00000000000000", "tracking_number": "SIMAPI0003"}, 400, "order_number"),
        ({"tracking_number": "12"}, 400, "tracking_number"),
        (
            {"tracking_number": "SIMAPI0003", "lines": [{"line_id": 1, "quantity": 99}]},
            400,
            "lines",
        ),
        ({"tracking_number": "SIMAPI0003", "colour": "red"}, 400, "colour"),
        ({"tracking_number": "SIMAPI0003", "cost": "-1"}, 400, "cost"),
    ],
    ids=["no-order", "unknown-order", "bad-number", "bad-line", "unknown-field", "negative-cost"],
)
def test_bad_requests_name_the_field_and_ship_nothing(
    seller_api, order, carriers, payload, status, field
):
    body = {"order_number": order.number, "carrier": carriers["offline"].pk, **payload}
    if "order_number" not in payload and field == "order_number":
        body.pop("order_number")

    response = seller_api.post(SHIPMENTS, body, format="json")

    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert field in error["fields"], error
    assert not Shipment.objects.exists()


def test_shipping_a_cancelled_order_is_a_conflict(seller_api, shop, order, carriers):
    from orders.services import cancel_order

    cancel_order(order, by="seller", actor=shop.owner, reason="No stock", shop=shop)
    response = seller_api.post(
        SHIPMENTS,
        {
            "order_number": order.number,
            "carrier": carriers["offline"].pk,
            "tracking_number": "SIMAPI0004",
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_shippable"
    assert not Shipment.objects.exists()


def test_another_shops_order_and_parcels_are_not_found(
    other_shop, order, shop, carriers, other_shop_carriers
):
    parcel = ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIMAPI0005",
    )
    client = APIClient()
    client.force_authenticate(other_shop.owner)

    assert client.get(f"{SHIPMENTS}{parcel.pk}/").status_code == 404
    assert client.get(SHIPMENTS).json()["results"] == []
    created = client.post(
        SHIPMENTS,
        {
            "order_number": order.number,
            "carrier": carriers["offline"].pk,
            "tracking_number": "SIMAPI0006",
        },
        format="json",
    )
    assert created.status_code == 400 and "order_number" in created.json()["error"]["fields"]
    assert Shipment.objects.count() == 1


def test_the_list_filters_and_keeps_constant_queries(
    seller_api, shop, make_order, carriers, django_assert_max_num_queries
):
    for index in range(4):
        ship_order(
            make_order(),
            shop=shop,
            actor=shop.owner,
            carrier_id=carriers["offline"].pk,
            tracking_number=f"SIMLIST{index:03d}",
        )

    with django_assert_max_num_queries(6):
        response = seller_api.get(SHIPMENTS)
    assert response.json()["count"] == 4
    assert seller_api.get(SHIPMENTS, {"tracking_number": "simlist002"}).json()["count"] == 1
    assert seller_api.get(SHIPMENTS, {"state": "delivered"}).json()["count"] == 0
    assert seller_api.get(SHIPMENTS, {"state": "nonsense"}).status_code == 400


def test_bulk_ships_all_or_none(seller_api, make_order, carriers):
    first, second = make_order(), make_order()
    good = {
        "parcels": [
            {
                "order_number": first.number,
                "carrier": carriers["offline"].pk,
                "tracking_number": "SIMBULK001",
            },
            {
                "order_number": second.number,
                "carrier": carriers["offline"].pk,
                "tracking_number": "SIMBULK002",
            },
        ]
    }
    bad = {
        "parcels": [
            {
                "order_number": first.number,
                "carrier": carriers["offline"].pk,
                "tracking_number": "SIMBULK003",
            },
            {
                "order_number": "00000000000000",
                "carrier": carriers["offline"].pk,
                "tracking_number": "SIMBULK004",
            },
        ]
    }

    refused = seller_api.post(f"{SHIPMENTS}bulk/", bad, format="json")
    assert refused.status_code == 400
    assert "parcels[1].order_number" in refused.json()["error"]["fields"]
    assert not Shipment.objects.exists()

    shipped = seller_api.post(f"{SHIPMENTS}bulk/", good, format="json")
    assert shipped.status_code == 201 and len(shipped.json()["shipments"]) == 2
    assert Order.objects.filter(pk__in=[first.pk, second.pk], state="shipped").count() == 2


def test_a_role_without_shipping_is_refused(shop):
    client = APIClient()
    client.force_authenticate(MembershipFactory(shop=shop, role=Role.ANALYST).user)
    assert client.get(SHIPMENTS).status_code == 403


def test_the_buyer_sees_their_parcels_with_tracking(
    buyer_api, shop, order, carriers, django_assert_max_num_queries
):
    parcel = ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIMBUYER01",
        cost="5.00",
    )

    with django_assert_max_num_queries(5):
        listing = buyer_api.get(PARCELS)
    detail = buyer_api.get(f"{PARCELS}{parcel.pk}/")
    by_order = buyer_api.get(PARCELS, {"order": order.number})

    assert listing.status_code == 200 and listing.json()["count"] == 1
    data = detail.json()
    assert data["tracking_number"] == "SIMBUYER01" and data["shop"] == "Shop A Teahouse"
    assert data["estimated_delivery"] and data["events"][0]["status"] == "shipped"
    assert "cost" not in data  # the seller's business
    assert by_order.json()["count"] == 1
    assert buyer_api.get(PARCELS, {"order": "nope"}).json()["count"] == 0


def test_a_buyer_cannot_see_anyone_elses_parcel(shop, order, carriers):
    parcel = ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIMBUYER02",
    )
    client = APIClient()
    client.force_authenticate(shop.owner)
    assert client.get(f"{PARCELS}{parcel.pk}/").status_code == 404
    assert APIClient().get(PARCELS).status_code in (401, 403)
