"""An order's state machine after placement, and the beat jobs: unpaid orders cancelled after 30
minutes with their stock back, delivered orders completed after the return window; every change an
event row; every job safe to run twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import StockMovement
from marketplace.core.errors import ConflictError
from marketplace.core.models import StateEvent
from orders import events, services, tasks
from orders.errors import OrdersError
from orders.models import Order, Payment
from tests.factories.orders import paid_order, pay, place

pytestmark = pytest.mark.django_db


def overdue(order, minutes=31):
    Order.objects.filter(pk=order.pk).update(
        payment_due_at=timezone.now() - timedelta(minutes=minutes - 30)
    )


def test_unpaid_orders_are_cancelled_after_30_minutes_and_their_stock_comes_back(buyer, cup):
    order = place(buyer, (cup, 3)).orders[0]
    assert tasks.cancel_unpaid_orders.delay().get() == 0  # not yet due
    overdue(order)

    assert tasks.cancel_unpaid_orders.delay().get() == 1

    order.refresh_from_db()
    assert (order.state, order.cancelled_by) == ("cancelled", "system")
    cup.refresh_from_db()
    assert (cup.stock, cup.reserved) == (10, 0)
    assert StockMovement.objects.filter(reference=order.number, kind="released").count() == 1
    assert Payment.objects.get().state == Payment.State.CANCELLED
    # Idempotent: a second run finds nothing, writes nothing.
    before = (StockMovement.objects.count(), StateEvent.objects.count())
    assert tasks.cancel_unpaid_orders.delay().get() == 0
    assert (StockMovement.objects.count(), StateEvent.objects.count()) == before


def test_a_paid_order_is_never_cancelled_by_the_timeout(buyer, cup):
    placement = place(buyer, (cup, 1))
    pay(placement.payment)
    overdue(placement.orders[0])

    assert services.cancel_unpaid_orders() == 0
    assert Order.objects.get().state == "paid"


def test_the_system_cannot_cancel_an_order_still_in_time(buyer, cup):
    order = place(buyer, (cup, 1)).orders[0]
    with pytest.raises(ConflictError):
        services.cancel_order(order, by="system")


def test_the_beat_schedules_are_registered_by_the_data_migration():
    """The migration's own function, run again (a transactional test elsewhere may have flushed
    the table): it creates the schedules, and running it twice changes nothing."""
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    migration = importlib.import_module("orders.migrations.0003_beat_schedules")
    create = migration.Migration.operations[0].code  # beat_schedules' RunPython forward function
    create(apps, None)
    create(apps, None)
    repair = importlib.import_module("orders.migrations.0007_payment_repair")
    repair.Migration.operations[-1].code(apps, None)  # issue 11: lost webhooks

    tasks_by_name = dict(
        PeriodicTask.objects.filter(task__startswith="orders.tasks.").values_list("task", "enabled")
    )
    assert tasks_by_name == {
        "orders.tasks.cancel_unpaid_orders": True,
        "orders.tasks.complete_due_orders": True,
        "orders.tasks.confirm_overdue_receipts": True,
        "orders.tasks.repair_pending_payments": True,
    }
    every_minute = PeriodicTask.objects.get(task="orders.tasks.cancel_unpaid_orders")
    assert every_minute.interval.every == 60 and every_minute.interval.period == "seconds"
    every_five = PeriodicTask.objects.get(task="orders.tasks.repair_pending_payments")
    assert every_five.interval.every == 300 and every_five.interval.period == "seconds"


def test_ship_partly_then_fully_then_deliver_then_complete(shop, buyer):
    order = paid_order(shop, buyer=buyer, quantity=3)
    line = order.lines.get()
    services.accept_order(order, shop=shop, actor=shop.owner)

    services.record_shipment(order, shop=shop, actor=shop.owner, quantities={line.pk: 1})
    assert Order.objects.get(pk=order.pk).state == "partly_shipped"
    services.record_shipment(order, shop=shop, actor=shop.owner)
    order.refresh_from_db()
    assert order.state == "shipped" and order.shipped_at
    with pytest.raises(OrdersError):  # nothing left to ship
        services.record_shipment(order, shop=shop, actor=shop.owner, quantities={line.pk: 1})

    services.confirm_receipt(order, buyer=buyer)
    order.refresh_from_db()
    assert order.state == "delivered" and order.complete_after > timezone.now()
    assert services.complete_due_orders() == 0
    Order.objects.filter(pk=order.pk).update(complete_after=timezone.now() - timedelta(seconds=1))
    assert tasks.complete_due_orders.delay().get() == 1
    assert Order.objects.get(pk=order.pk).state == "completed"
    assert tasks.complete_due_orders.delay().get() == 0

    states = list(
        StateEvent.objects.filter(object_id=str(order.pk), machine="order")
        .order_by("created_at", "id")
        .values_list("to_state", flat=True)
    )
    assert states == [
        "pending_payment",
        "paid",
        "accepted",
        "partly_shipped",
        "shipped",
        "delivered",
        "completed",
    ]


def test_shipped_orders_nobody_confirmed_are_delivered_automatically(shop):
    order = paid_order(shop)
    services.record_shipment(order, shop=shop, actor=shop.owner)
    Order.objects.filter(pk=order.pk).update(shipped_at=timezone.now() - timedelta(days=11))

    assert tasks.confirm_overdue_receipts.delay().get() == 1
    assert Order.objects.get(pk=order.pk).state == "delivered"


def test_a_shipped_order_cannot_be_cancelled(shop, buyer):
    order = paid_order(shop, buyer=buyer)
    services.record_shipment(order, shop=shop, actor=shop.owner)

    with pytest.raises(ConflictError) as error:
        services.cancel_order(order, by="buyer", actor=buyer)

    assert "shipped" in str(error.value.message)
    assert Order.objects.get(pk=order.pk).state == "shipped"


def test_cancelling_twice_is_refused(buyer, cup):
    order = place(buyer, (cup, 1)).orders[0]
    services.cancel_order(order, by="buyer", actor=buyer)
    with pytest.raises(ConflictError):
        services.cancel_order(order, by="buyer", actor=buyer)


def test_a_seller_cannot_cancel_another_shops_order(shop, other_shop):
    order = paid_order(shop)
    with pytest.raises(OrdersError):
        services.cancel_order(
            order, by="seller", actor=other_shop.owner, shop=other_shop, reason="x"
        )
    assert Order.objects.get(pk=order.pk).state == "paid"


def test_a_buyer_cannot_cancel_another_buyers_order(shop):
    from tests.factories.orders import buyer_with_address

    order = paid_order(shop)
    with pytest.raises(OrdersError):
        services.cancel_order(order, by="buyer", actor=buyer_with_address())


def test_cancelling_publishes_the_event(buyer, cup, on_commit):
    seen = []

    def handler(**payload):
        seen.append(payload)

    events.order_cancelled.subscribe(handler)
    try:
        order = place(buyer, (cup, 1)).orders[0]
        with on_commit():
            services.cancel_order(order, by="buyer", actor=buyer)
    finally:
        events.order_cancelled.unsubscribe(handler)
    assert seen == [
        {
            "order_id": order.pk,
            "order_number": order.number,
            "shop_id": order.shop_id,
            "buyer_id": buyer.pk,
            "checkout_id": order.checkout_id,
            "by": "buyer",
            "was_paid": False,
            "refund_id": None,
        }
    ]


def test_an_event_handler_that_fails_does_not_stop_the_others(buyer, cup, on_commit):
    seen = []

    def broken(**payload):
        raise RuntimeError("boom")

    def fine(**payload):
        seen.append(payload["order_number"])

    events.order_placed.subscribe(broken)
    events.order_placed.subscribe(fine)
    try:
        with on_commit():
            order = place(buyer, (cup, 1)).orders[0]
    finally:
        events.order_placed.unsubscribe(broken)
        events.order_placed.unsubscribe(fine)
    assert seen == [order.number]


def test_an_event_needs_its_payload():
    with pytest.raises(TypeError):
        events.order_paid.publish(order_id=1)


def test_the_processing_clock(shop):
    order = paid_order(shop)
    assert not order.is_overdue and 28 <= order.minutes_to_respond <= 30
    Order.objects.filter(pk=order.pk).update(respond_by=timezone.now() - timedelta(minutes=3))
    order.refresh_from_db()
    assert order.is_overdue and order.minutes_to_respond <= -3
    assert list(Order.objects.overdue()) == [order]


def test_pending_orders_of_a_cancelled_checkout_part_stay_payable(buyer, cup, bowl):
    placement = place(buyer, (cup, 1), (bowl, 1))
    first, second = placement.orders
    services.cancel_order(first, by="buyer", actor=buyer)

    payment = services.pay_again(order=second, buyer=buyer)

    assert payment.amount == Order.objects.get(pk=second.pk).total
    pay(payment)
    assert Order.objects.get(pk=second.pk).state == "paid"
    assert Order.objects.get(pk=first.pk).state == "cancelled"
