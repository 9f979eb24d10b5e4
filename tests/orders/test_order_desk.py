"""The seller's order desk: list with filters and the processing clock, detail with timeline,
accept, cancel with a reason, bulk accept, packing slips; always inside the seller's own shop."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, Refund
from shops.roles import Role
from tests.factories.orders import buyer_with_address, paid_order, pending_order
from tests.factories.shops import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_desk_lists_the_shops_orders_with_the_clock(seller_client, shop, other_shop):
    mine = paid_order(shop)
    late = paid_order(shop)
    Order.objects.filter(pk=late.pk).update(respond_by=timezone.now() - timedelta(minutes=5))
    theirs = paid_order(other_shop)

    page = seller_client.get(reverse("seller:orders"))

    body = page.content.decode()
    assert page.status_code == 200
    assert mine.number in body and late.number in body and theirs.number not in body
    assert "min left" in body and "Overdue by" in body and "row-overdue" in body
    assert page.context["counts"] == {"to_accept": 2, "overdue": 1, "exceptions": 0}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "paid"}, {"paid", "overdue"}),
        ({"state": "pending_payment"}, {"pending", "problem"}),
        ({"state": "open"}, {"paid", "overdue", "accepted"}),
        ({"overdue": "on"}, {"overdue"}),
        ({"exceptions": "on"}, {"problem"}),
        ({}, {"paid", "overdue", "accepted", "pending", "problem"}),
    ],
)
def test_desk_filters(seller_client, shop, params, expected):
    orders = {name: paid_order(shop) for name in ("paid", "overdue", "accepted")}
    orders.update({name: pending_order(shop) for name in ("pending", "problem")})
    Order.objects.filter(pk=orders["overdue"].pk).update(
        respond_by=timezone.now() - timedelta(minutes=1)
    )
    Order.objects.filter(pk=orders["accepted"].pk).update(
        state="accepted", respond_by=timezone.now() - timedelta(hours=1)
    )
    Order.objects.filter(pk=orders["problem"].pk).update(exception="address_problem")

    page = seller_client.get(reverse("seller:orders"), params)

    names = {order.number: name for name, order in orders.items()}
    assert {names[order.number] for order in page.context["page"]} == expected


def test_the_date_filter(seller_client, shop):
    old = paid_order(shop)
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    new = paid_order(shop)
    since = (timezone.localdate() - timedelta(days=1)).isoformat()

    page = seller_client.get(reverse("seller:orders"), {"placed_from": since})

    assert [o.number for o in page.context["page"]] == [new.number]


def test_the_desk_takes_a_constant_number_of_queries(
    seller_client, shop, django_assert_max_num_queries
):
    paid_order(shop)
    with django_assert_max_num_queries(20) as few:
        seller_client.get(reverse("seller:orders"))
    buyer = buyer_with_address()
    for _ in range(5):
        paid_order(shop, buyer=buyer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        seller_client.get(reverse("seller:orders"))


def test_accepting_a_paid_order_stops_the_clock(seller_client, shop):
    order = paid_order(shop)

    response = seller_client.post(reverse("seller:order-accept", args=[order.number]), follow=True)

    assert "accepted" in response.content.decode()
    order.refresh_from_db()
    assert order.state == "accepted" and order.accepted_at
    detail = seller_client.get(reverse("seller:order-detail", args=[order.number]))
    assert "Accepted by the seller" in detail.content.decode()


def test_an_unpaid_order_cannot_be_accepted(seller_client, shop):
    order = pending_order(shop)

    response = seller_client.post(reverse("seller:order-accept", args=[order.number]), follow=True)

    assert response.status_code == 200
    assert "cannot become" in response.content.decode()
    order.refresh_from_db()
    assert order.state == "pending_payment"


def test_cancelling_needs_a_reason_and_refunds_a_paid_order(seller_client, shop, on_commit):
    order = paid_order(shop, quantity=2)
    sku = order.lines.get().sku

    refused = seller_client.post(reverse("seller:order-cancel", args=[order.number]), follow=True)
    assert "Choose a reason" in refused.content.decode()
    assert Order.objects.get(pk=order.pk).state == "paid"

    with on_commit():
        seller_client.post(
            reverse("seller:order-cancel", args=[order.number]),
            {"reason_kind": "out_of_stock", "reason": "The last two broke in the kiln."},
        )

    order.refresh_from_db()
    assert (order.state, order.cancelled_by) == ("cancelled", "seller")
    assert "Out of stock" in order.cancel_reason
    refund = Refund.objects.get(order=order)
    assert (refund.amount, refund.state) == (order.total, "succeeded")
    sku.refresh_from_db()
    assert sku.stock == 10  # returned to stock
    assert order.buyer.notifications.filter(title__contains=order.number).exists()


def test_bulk_accept(seller_client, shop, other_shop):
    first, second = paid_order(shop), paid_order(shop)
    unpaid = pending_order(shop)
    foreign = paid_order(other_shop)

    response = seller_client.post(
        reverse("seller:orders-bulk-accept"),
        {"numbers": [first.number, second.number, unpaid.number, foreign.number]},
        follow=True,
    )

    body = response.content.decode()
    assert "2 orders accepted" in body
    assert f"{foreign.number}: Order not found" in body
    states = dict(Order.objects.values_list("number", "state"))
    assert states[first.number] == states[second.number] == "accepted"
    assert states[unpaid.number] == "pending_payment" and states[foreign.number] == "paid"


def test_packing_slips_one_and_many(seller_client, shop, other_shop):
    first, second = paid_order(shop), paid_order(shop)
    foreign = paid_order(other_shop)

    single = seller_client.get(reverse("seller:order-packing-slip", args=[first.number]))
    assert single.status_code == 200 and first.number in single.content.decode()

    many = seller_client.get(
        reverse("seller:orders-packing-slips"),
        {"numbers": [first.number, second.number, foreign.number]},
    )
    body = many.content.decode()
    assert body.count('class="slip"') == 2 and foreign.number not in body


def test_resolving_an_exception(seller_client, shop):
    from orders import services

    order = paid_order(shop)
    services.flag_problem(order, kind="address_problem", note="No such street")

    seller_client.post(
        reverse("seller:order-resolve", args=[order.number]), {"note": "Called the buyer"}
    )

    order.refresh_from_db()
    assert order.exception == ""
    detail = seller_client.get(reverse("seller:order-detail", args=[order.number])).content
    assert b"Exception resolved" in detail and b"Called the buyer" in detail


def test_a_role_without_orders_is_refused(client, shop):
    editor = MembershipFactory(shop=shop, role=Role.PRODUCT_EDITOR).user
    client.force_login(editor)
    assert client.get(reverse("seller:orders")).status_code == 403


def test_customer_service_may_use_the_desk(client, shop):
    agent = MembershipFactory(shop=shop, role=Role.CUSTOMER_SERVICE).user
    client.force_login(agent)
    assert client.get(reverse("seller:orders")).status_code == 200


def test_another_shops_order_is_404_and_unchanged(other_seller_client, shop):
    order = paid_order(shop)
    for name in ("seller:order-detail", "seller:order-packing-slip"):
        assert other_seller_client.get(reverse(name, args=[order.number])).status_code == 404
    for name in ("seller:order-accept", "seller:order-cancel", "seller:order-resolve"):
        response = other_seller_client.post(
            reverse(name, args=[order.number]), {"reason_kind": "other"}
        )
        assert response.status_code == 404
    assert Order.objects.get(pk=order.pk).state == "paid"


def test_flagging_a_problem_shows_in_the_exceptions_filter(seller_client, shop):
    order = paid_order(shop)

    seller_client.post(
        reverse("seller:order-flag", args=[order.number]),
        {"flag-kind": "stock_short", "flag-note": "Only one left on the shelf"},
    )

    order.refresh_from_db()
    assert (order.exception, order.exception_note) == ("stock_short", "Only one left on the shelf")
    assert order.exception_due_at is not None
    page = seller_client.get(reverse("seller:orders"), {"exceptions": "on"})
    assert [o.number for o in page.context["page"]] == [order.number]
    refused = seller_client.post(
        reverse("seller:order-flag", args=[order.number]), {"flag-kind": "bogus"}, follow=True
    )
    assert "Choose the kind of problem" in refused.content.decode()
