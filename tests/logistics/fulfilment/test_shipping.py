"""Shipping an order (issue 7, item 3): all or some lines, with a carrier and tracking number,
through `orders.fulfilment.services.ship_order`, which records the parcel in logistics and moves
the order through its lifecycle in one transaction. Refusals write nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from logistics.models import Shipment, TrackingEvent
from marketplace.core.errors import DomainError
from orders.fulfilment.services import ship_order
from orders.models import Order
from orders.services import cancel_order
from tests.factories.orders import pending_order

pytestmark = pytest.mark.django_db


def lines_of(order):
    return list(order.lines.order_by("pk"))


def nothing_shipped(order):
    order.refresh_from_db()
    return (
        not Shipment.objects.filter(order_id=order.pk).exists()
        and all(line.quantity_shipped == 0 for line in order.lines.all())
        and order.shipped_at is None
    )


def test_shipping_everything_ships_the_order_and_records_the_parcel(shop, order, carriers):
    shipment = ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["sf-express"].pk,
        tracking_number=" sf 1234 5678 90 ",
    )

    order.refresh_from_db()
    assert order.state == Order.State.SHIPPED
    assert order.shipped_at is not None
    assert all(line.quantity_to_ship == 0 for line in order.lines.all())
    assert shipment.tracking_number == "SF1234567890"
    assert shipment.shop == shop and shipment.order_number == order.number
    assert shipment.buyer_id == order.buyer_id
    assert shipment.destination == "330000"  # Zhejiang, from the address snapshot
    assert shipment.state == Shipment.State.SHIPPED
    assert {(line.sku_code, line.quantity) for line in shipment.lines.all()} == {
        (line.sku_code, line.quantity) for line in order.lines.all()
    }
    assert shipment.ship_by == order.paid_at + timedelta(hours=48)
    assert not shipment.shipped_late
    # Estimated delivery: shipping day + 3 days (Zhejiang is not remote).
    assert shipment.estimated_delivery == timezone.localdate(shipment.shipped_at) + timedelta(
        days=3
    )
    first = TrackingEvent.objects.get(shipment=shipment)
    assert first.status == "shipped" and first.source == "seller"


def test_shipping_some_lines_leaves_the_order_partly_shipped_until_the_rest_goes(
    shop, order, carriers
):
    cup, teapot = lines_of(order)

    ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIM000001",
        quantities={cup.pk: 1},
    )
    order.refresh_from_db()
    assert order.state == Order.State.PARTLY_SHIPPED

    ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIM000002",
        quantities={cup.pk: 1, teapot.pk: 1},
    )
    order.refresh_from_db()
    assert order.state == Order.State.SHIPPED
    assert Shipment.objects.filter(order_id=order.pk).count() == 2


def test_a_simulated_carrier_parcel_is_scheduled_for_its_first_poll(shop, order, carriers):
    shipment = ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIM000003",
    )
    assert shipment.next_poll_at is not None and shipment.next_poll_at > shipment.shipped_at


def test_a_real_carrier_without_credentials_is_not_polled_it_reports_by_webhook(
    shop, make_order, carriers
):
    shipment = ship_order(
        make_order(),
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["sf-express"].pk,
        tracking_number="SF0000000001",
    )
    assert shipment.next_poll_at is None


def test_an_unpaid_order_cannot_ship(shop, buyer, shop_carriers, carriers):
    order = pending_order(shop, buyer=buyer)

    with pytest.raises(DomainError) as refused:
        ship_order(
            order,
            shop=shop,
            actor=shop.owner,
            carrier_id=carriers["offline"].pk,
            tracking_number="SIM000010",
        )

    assert "not paid" in str(refused.value.message)
    assert refused.value.status_code == 409
    assert nothing_shipped(order) and order.state == Order.State.PENDING_PAYMENT


def test_a_cancelled_order_cannot_ship(shop, order, carriers):
    cancel_order(order, by="seller", actor=shop.owner, reason="Out of stock", shop=shop)

    with pytest.raises(DomainError) as refused:
        ship_order(
            order,
            shop=shop,
            actor=shop.owner,
            carrier_id=carriers["offline"].pk,
            tracking_number="SIM000011",
        )

    assert "cancelled" in str(refused.value.message)
    assert nothing_shipped(order) and order.state == Order.State.CANCELLED


def test_shipping_more_than_was_ordered_is_refused_and_writes_nothing(shop, order, carriers):
    cup, _teapot = lines_of(order)

    with pytest.raises(DomainError) as refused:
        ship_order(
            order,
            shop=shop,
            actor=shop.owner,
            carrier_id=carriers["offline"].pk,
            tracking_number="SIM000012",
            quantities={cup.pk: 3},
        )

    assert "Only 2" in str(refused.value.message)
    assert refused.value.field == "lines"
    assert nothing_shipped(order) and order.state == Order.State.PAID


def test_shipping_more_than_is_left_after_a_partial_shipment_is_refused(shop, order, carriers):
    cup, _teapot = lines_of(order)
    ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIM000013",
        quantities={cup.pk: 2},
    )

    with pytest.raises(DomainError):
        ship_order(
            order,
            shop=shop,
            actor=shop.owner,
            carrier_id=carriers["offline"].pk,
            tracking_number="SIM000014",
            quantities={cup.pk: 1},
        )

    assert Shipment.objects.filter(order_id=order.pk).count() == 1
    order.refresh_from_db()
    assert order.state == Order.State.PARTLY_SHIPPED


def test_an_unknown_line_or_an_empty_parcel_is_refused(shop, order, make_order, carriers):
    other_line = make_order().lines.get()
    for quantities in ({other_line.pk: 1}, {}, {lines_of(order)[0].pk: 0}, {"x": 1}):
        with pytest.raises(DomainError):
            ship_order(
                order,
                shop=shop,
                actor=shop.owner,
                carrier_id=carriers["offline"].pk,
                tracking_number="SIM000015",
                quantities=quantities,
            )
    assert nothing_shipped(order)


def test_a_tracking_number_used_by_another_shop_is_refused_without_naming_it(
    shop, other_shop, order, buyer, other_shop_carriers, carriers
):
    from tests.logistics.fulfilment.builders import paid_order

    theirs = paid_order(other_shop, buyer, ("Stoneware bowl", "35.50", 1))
    ship_order(
        theirs,
        shop=other_shop,
        actor=other_shop.owner,
        carrier_id=carriers["sf-express"].pk,
        tracking_number="SF5555555555",
    )

    with pytest.raises(DomainError) as refused:
        ship_order(
            order,
            shop=shop,
            actor=shop.owner,
            carrier_id=carriers["sf-express"].pk,
            tracking_number="sf5555555555",
        )

    message = str(refused.value.message)
    assert refused.value.field == "tracking_number"
    assert "already used by another shipment" in message
    assert theirs.number not in message and "Shop B" not in message
    assert nothing_shipped(order)


def test_a_tracking_number_reused_in_the_same_shop_names_the_order(shop, make_order, carriers):
    first = make_order()
    second = make_order()
    ship_order(
        first,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIM000020",
    )

    with pytest.raises(DomainError) as refused:
        ship_order(
            second,
            shop=shop,
            actor=shop.owner,
            carrier_id=carriers["offline"].pk,
            tracking_number="SIM000020",
        )

    assert first.number in str(refused.value.message)
    assert nothing_shipped(second)


def test_the_same_number_with_another_carrier_is_another_parcel(shop, make_order, carriers):
    ship_order(
        make_order(),
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SAME00001",
    )
    ship_order(
        make_order(),
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["sf-express"].pk,
        tracking_number="SAME00001",
    )
    assert Shipment.objects.filter(tracking_number="SAME00001").count() == 2


@pytest.mark.parametrize("number", ["", "12345", "SF 12/34/56", "x" * 41, "运单123456"])
def test_a_malformed_tracking_number_is_refused(shop, order, carriers, number):
    with pytest.raises(DomainError) as refused:
        ship_order(
            order,
            shop=shop,
            actor=shop.owner,
            carrier_id=carriers["offline"].pk,
            tracking_number=number,
        )
    assert refused.value.field == "tracking_number"
    assert nothing_shipped(order)


def test_a_carrier_the_shop_does_not_use_is_refused(shop, order, carriers):
    with pytest.raises(DomainError) as refused:
        ship_order(
            order,
            shop=shop,
            actor=shop.owner,
            carrier_id=carriers["zto"].pk,
            tracking_number="ZT123456789",
        )
    assert refused.value.field == "carrier"
    assert nothing_shipped(order)


def test_another_shops_order_cannot_be_shipped(shop, other_shop, order, other_shop_carriers):
    with pytest.raises(DomainError):
        ship_order(
            order,
            shop=other_shop,
            actor=other_shop.owner,
            carrier_id=other_shop_carriers["offline"].pk,
            tracking_number="SIM000030",
        )
    assert nothing_shipped(order)


def test_a_negative_cost_is_refused(shop, order, carriers):
    from decimal import Decimal

    with pytest.raises(DomainError):
        ship_order(
            order,
            shop=shop,
            actor=shop.owner,
            carrier_id=carriers["offline"].pk,
            tracking_number="SIM000031",
            cost=Decimal("-1.00"),
        )
    assert nothing_shipped(order)


def test_shipping_late_is_recorded_on_the_parcel(shop, order, carriers):
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(hours=50))
    order.refresh_from_db()

    shipment = ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIM000032",
    )

    assert shipment.shipped_late


def test_a_remote_province_gets_a_later_estimate(shop, make_order, carriers):
    order = make_order()
    Order.objects.filter(pk=order.pk).update(province="新疆维吾尔自治区", province_code="650000")
    order.refresh_from_db()

    shipment = ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIM000033",
    )

    assert shipment.estimated_delivery == timezone.localdate(shipment.shipped_at) + timedelta(
        days=6
    )
