"""The seller's fulfilment pages and the buyer's tracking (issue 7, items 3 and 4): orders to ship,
the ship form, pick list and packing slips (print view and PDF), bulk shipping by CSV upload,
parcels, performance; the buyer's order page and parcel page. Lists keep a constant number of
queries whatever their length."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from logistics import services
from logistics.models import Shipment
from orders.fulfilment import services as fulfilment
from orders.fulfilment.services import ship_order
from orders.models import Order
from shops.roles import Role
from tests.factories.shops import MembershipFactory
from tests.logistics.fulfilment.builders import event, report, signed

pytestmark = pytest.mark.django_db
TO_SHIP = reverse("seller:orders-to-ship")


def ship_url(order):
    return reverse("seller:orders-ship-order", args=[order.number])


def body(response):
    return response.content.decode()


def test_the_shipping_menu_opens_the_orders_to_ship(seller_client, order):
    response = seller_client.get(reverse("seller:dashboard"))
    assert f'href="{TO_SHIP}"' in body(response)

    page = seller_client.get(TO_SHIP)

    assert page.status_code == 200
    assert order.number in body(page) and "Celadon tea cup" in body(page)
    assert "Ship by" in body(page)


def test_a_late_order_is_flagged_on_the_list(seller_client, order):
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(hours=49))
    page = body(seller_client.get(TO_SHIP))
    assert "row-late" in page and "Late" in page


def test_the_list_asks_for_carriers_first(seller_client, shop, carriers):
    services.set_shop_carriers(shop=shop, actor=shop.owner, carrier_ids=[])
    assert "Choose your carriers before shipping." in body(seller_client.get(TO_SHIP))


def test_the_ship_form_says_to_choose_carriers_first_instead_of_an_empty_list(
    seller_client, shop, order, carriers
):
    services.set_shop_carriers(shop=shop, actor=shop.owner, carrier_ids=[])
    page = body(seller_client.get(ship_url(order)))
    assert "Choose your carriers before shipping." in page
    assert f'href="{reverse("seller:logistics-carriers")}"' in page
    assert 'class="ship-form"' not in page


def test_the_ship_form_ships_part_of_an_order(seller_client, order, carriers):
    cup, teapot = order.lines.order_by("pk")
    page = seller_client.get(ship_url(order))
    assert page.status_code == 200
    assert f'name="line_{cup.pk}"' in body(page) and 'value="2"' in body(page)
    assert reverse("seller:order-detail", args=[order.number]) in body(page)

    response = seller_client.post(
        ship_url(order),
        {
            "carrier": carriers["offline"].pk,
            "tracking_number": "SIM9100001",
            f"line_{cup.pk}": "1",
            f"line_{teapot.pk}": "0",
            "cost": "6.50",
        },
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == Order.State.PARTLY_SHIPPED
    parcel = Shipment.objects.get()
    assert parcel.cost == parcel.cost.__class__("6.50")
    after = body(seller_client.get(ship_url(order)))
    assert "SIM9100001" in after and "Shipped with" in after


def test_the_ship_form_shows_refusals_on_their_fields(seller_client, order, carriers):
    cup, teapot = order.lines.order_by("pk")
    fields = {f"line_{cup.pk}": "2", f"line_{teapot.pk}": "1"}

    nothing = seller_client.post(
        ship_url(order),
        {
            "carrier": carriers["offline"].pk,
            "tracking_number": "SIM9100002",
            f"line_{cup.pk}": "0",
            f"line_{teapot.pk}": "0",
        },
    )
    too_many = seller_client.post(
        ship_url(order),
        {
            "carrier": carriers["offline"].pk,
            "tracking_number": "SIM9100002",
            f"line_{cup.pk}": "3",
            f"line_{teapot.pk}": "1",
        },
    )
    bad_number = seller_client.post(
        ship_url(order), {"carrier": carriers["offline"].pk, "tracking_number": "12", **fields}
    )
    bad_carrier = seller_client.post(
        ship_url(order), {"carrier": carriers["zto"].pk, "tracking_number": "ZT12345678", **fields}
    )

    assert nothing.status_code == 400 and "Choose what goes in the parcel." in body(nothing)
    assert too_many.status_code == 400
    assert bad_number.status_code == 400 and "6 to 40 letters" in body(bad_number)
    assert bad_carrier.status_code == 400
    assert not Shipment.objects.exists()
    order.refresh_from_db()
    assert order.state == Order.State.PAID


def test_a_cancelled_order_shows_no_ship_form_and_refuses_a_post(
    seller_client, shop, order, carriers
):
    from orders.services import cancel_order

    cancel_order(order, by="seller", actor=shop.owner, reason="No stock", shop=shop)
    page = seller_client.get(ship_url(order))
    assert "This order is cancelled" in body(page) and "Ship this parcel" not in body(page)

    response = seller_client.post(
        ship_url(order), {"carrier": carriers["offline"].pk, "tracking_number": "SIM9100003"}
    )

    assert response.status_code == 409 and "cancelled" in body(response)
    assert not Shipment.objects.exists()


def test_another_shops_order_is_a_404(client, other_shop, order, carriers):
    client.force_login(other_shop.owner)
    assert client.get(ship_url(order)).status_code == 404
    assert (
        client.post(
            ship_url(order), {"carrier": carriers["offline"].pk, "tracking_number": "SIM9100004"}
        ).status_code
        == 404
    )
    assert not Shipment.objects.exists()


def test_a_role_without_shipping_cannot_open_the_pages(client, shop, order):
    editor = MembershipFactory(shop=shop, role=Role.PRODUCT_EDITOR).user
    client.force_login(editor)
    assert client.get(TO_SHIP).status_code == 403
    packer = MembershipFactory(shop=shop, role=Role.FULFILMENT).user
    client.force_login(packer)
    assert client.get(TO_SHIP).status_code == 200


def test_the_pick_list_sums_skus_over_the_ticked_orders(seller_client, order, make_order):
    other = make_order(("Celadon tea cup", "88.00", 3))
    url = reverse("seller:orders-pick-list")

    page = seller_client.get(url, {"numbers": [order.number, other.number, "nope"]})

    text = body(page)
    assert page.status_code == 200
    assert order.number in text and other.number in text
    assert 'class="num qty">2<' in text and 'class="num qty">3<' in text  # two SKUs (codes differ)
    assert "data-print" in text and "<script>" not in text
    empty = seller_client.get(url)
    assert empty.status_code == 302


def test_the_pick_list_and_packing_slips_print_as_pdf_with_chinese_text(
    seller_client, shop, make_order
):
    order = make_order(("青瓷茶杯（龙泉）", "88.00", 2))
    Order.objects.filter(pk=order.pk).update(note="请用气泡膜包好")

    pick = seller_client.get(reverse("seller:orders-pick-list-pdf"), {"numbers": order.number})
    slips = seller_client.get(
        reverse("seller:orders-packing-slips-pdf"), {"numbers": [order.number]}
    )

    for response in (pick, slips):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert b"STSong-Light" in response.content
    assert order.number in slips["Content-Disposition"]
    assert seller_client.get(reverse("seller:orders-pick-list-pdf")).status_code == 302


def test_the_pdfs_only_print_the_shops_own_orders(client, other_shop, order):
    client.force_login(other_shop.owner)
    response = client.get(reverse("seller:orders-packing-slips-pdf"), {"numbers": order.number})
    assert response.status_code == 302  # nothing of theirs to print


def test_the_bulk_page_lists_row_errors_and_ships_nothing(seller_client, order):
    data = (
        f"order_number,carrier,tracking_number\r\n{order.number},offline,SIM9200001\r\n"
        "00000000000000,offline,SIM9200002\r\n"
    )

    response = seller_client.post(
        reverse("seller:orders-bulk-ship"),
        {"file": SimpleUploadedFile("ship.csv", data.encode(), content_type="text/csv")},
    )

    assert response.status_code == 400
    assert "Nothing was shipped" in body(response)
    assert re.search(r"<td class=\"num\">3</td><td><code>order_number</code>", body(response))
    assert not Shipment.objects.exists()


def test_the_bulk_page_ships_a_good_file(seller_client, order):
    data = f"order_number,carrier,tracking_number\r\n{order.number},offline,SIM9200003\r\n"
    response = seller_client.post(
        reverse("seller:orders-bulk-ship"),
        {"file": SimpleUploadedFile("ship.csv", data.encode(), content_type="text/csv")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("seller:orders-shipments")
    order.refresh_from_db()
    assert order.state == Order.State.SHIPPED


def test_the_bulk_page_refuses_a_missing_file_and_offers_an_example(seller_client):
    assert seller_client.post(reverse("seller:orders-bulk-ship")).status_code == 400
    example = seller_client.get(reverse("seller:orders-bulk-ship-example"))
    assert example.status_code == 200 and b"order_number,carrier,tracking_number" in example.content


def test_the_parcels_page_filters_by_state(seller_client, shop, make_order, carriers, on_commit):
    moving = ship_order(
        make_order(),
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIM9300001",
    )
    stuck = ship_order(
        make_order(),
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIM9300002",
    )
    Shipment.objects.filter(pk=stuck.pk).update(last_event_at=timezone.now() - timedelta(days=4))
    url = reverse("seller:orders-shipments")

    everything = body(seller_client.get(url))
    stalled = body(seller_client.get(url, {"state": "stalled"}))
    searched = body(seller_client.get(url, {"q": "sim9300001"}))

    assert moving.tracking_number in everything and stuck.tracking_number in everything
    assert stuck.tracking_number in stalled and moving.tracking_number not in stalled
    assert moving.tracking_number in searched and stuck.tracking_number not in searched
    assert seller_client.get(url, {"state": "bogus"}).status_code == 200


def test_the_performance_page_shows_the_rate_the_scorecard_and_alerts(
    seller_client, shop, order, carriers
):
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(hours=50))
    fulfilment.alert_late_shipments()
    ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIM9400001",
    )

    page = body(seller_client.get(reverse("seller:orders-performance"), {"days": "90"}))

    assert "100.0%" in page  # 1 of 1 paid orders shipped late
    assert "Simulated carrier" in page
    assert "Not shipped in time" in page and order.number in page
    assert seller_client.get(reverse("seller:orders-performance"), {"days": "x"}).status_code == 200


# --- Constant queries ---------------------------------------------------------------------------
@pytest.mark.parametrize("count", [1, 6])
def test_orders_to_ship_use_constant_queries(
    db_sessions, seller_client, make_order, count, django_assert_max_num_queries
):
    for _ in range(count):
        make_order(("Celadon tea cup", "88.00", 1), ("Clay teapot", "120.00", 2))
    with django_assert_max_num_queries(8):
        response = seller_client.get(TO_SHIP)
    assert response.status_code == 200
    assert response.content.decode().count('name="numbers"') == count


@pytest.mark.parametrize("count", [1, 6])
def test_the_parcels_list_uses_constant_queries(
    db_sessions, seller_client, shop, make_order, carriers, count, django_assert_max_num_queries
):
    for index in range(count):
        ship_order(
            make_order(),
            shop=shop,
            actor=shop.owner,
            carrier_id=carriers["offline"].pk,
            tracking_number=f"SIMQ{index:06d}",
        )
    with django_assert_max_num_queries(8):
        response = seller_client.get(reverse("seller:orders-shipments"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 5])
def test_the_performance_page_uses_constant_queries(
    db_sessions, seller_client, shop, make_order, carriers, count, django_assert_max_num_queries
):
    for index in range(count):
        ship_order(
            make_order(),
            shop=shop,
            actor=shop.owner,
            carrier_id=carriers["offline"].pk,
            tracking_number=f"SIMP{index:06d}",
        )
    with django_assert_max_num_queries(8):
        response = seller_client.get(reverse("seller:orders-performance"))
    assert response.status_code == 200


# --- The buyer ----------------------------------------------------------------------------------
def test_the_buyer_sees_the_promise_and_estimate_before_shipping(client, buyer, order):
    client.force_login(buyer)
    page = body(client.get(order.get_absolute_url()))
    assert "The shop ships by" in page and "Estimated delivery" in page


def test_the_buyer_follows_the_timeline_until_delivery(
    client, buyer, shop, order, carriers, on_commit
):
    parcel = ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIM9500001",
    )
    client.force_login(buyer)

    shipped = body(client.get(order.get_absolute_url()))
    assert "SIM9500001" in shipped and "Estimated delivery" in shipped
    assert "Shipped, waiting for pickup" in shipped

    with on_commit():
        now = timezone.now()
        for step in range(5):
            services.poll_due_shipments(now=now + timedelta(minutes=10 * (step + 1)))

    delivered = body(client.get(order.get_absolute_url()))
    assert "Delivered and signed for (simulated)." in delivered
    assert "Out for delivery" in delivered
    order.refresh_from_db()
    assert order.state == Order.State.DELIVERED

    parcel_page = client.get(reverse("logistics-parcel", args=[parcel.pk]))
    assert parcel_page.status_code == 200 and "Tracking history" in body(parcel_page)
    assert f'href="{order.get_absolute_url()}"' in body(parcel_page)


def test_the_tracking_is_shown_in_chinese(client, buyer, shop, order, carriers):
    ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIM9500002",
    )
    body_ = report(
        "SIM9500002", event("in_transit", timezone.now().isoformat(), "t1", province="330000")
    )
    services.receive_tracking_webhook("offline", body_, signed(body_))
    client.force_login(buyer)

    page = body(client.get(order.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans"))

    assert "浙江" in page  # the province where the scan happened, in the reader's language


def test_another_buyers_parcel_is_a_404(client, shop, order, carriers):
    parcel = ship_order(
        order,
        shop=shop,
        actor=shop.owner,
        carrier_id=carriers["offline"].pk,
        tracking_number="SIM9500003",
    )
    client.force_login(shop.owner)
    assert client.get(reverse("logistics-parcel", args=[parcel.pk])).status_code == 404
    assert "SIM9500003" not in body(client.get(order.get_absolute_url()))
