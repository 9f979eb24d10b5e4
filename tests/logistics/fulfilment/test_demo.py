"""The demo data (issue 7, item 7): after the orders chapter's demo orders, every one of them
that shipped gets a parcel with a tracking timeline, once; the simulated carrier then moves the
parcels on and delivery marks the order delivered."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from logistics import demo as logistics_demo
from logistics import services
from logistics.models import Shipment
from orders import demo as orders_demo
from orders.fulfilment import demo as fulfilment_demo
from orders.models import Order
from tests.factories.accounts import AddressFactory, UserFactory
from tests.factories.orders import live_sku
from tests.factories.shops import MembershipFactory, ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(media_root):
    buyer = UserFactory(email=orders_demo.BUYER)
    AddressFactory(user=buyer, is_default=True, province="上海市", city="上海市")
    for index in range(2):
        shop = ShopFactory()
        MembershipFactory(
            shop=shop, role="owner", user=UserFactory(email=f"seller{index}@demo.marketplace.local")
        )
        live_sku(shop, stock=50)
    return buyer


def seed():
    out = io.StringIO()
    logistics_demo.seed_demo(out)
    orders_demo.seed_demo(out)
    fulfilment_demo.seed_demo_parcels(out)
    return out.getvalue()


def test_shipped_demo_orders_get_parcels_with_tracking_once(
    demo_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out = seed()

    shipped = Order.objects.get(state="shipped")
    completed = Order.objects.get(state="completed")
    on_its_way = Shipment.objects.get(order_id=shipped.pk)
    done = Shipment.objects.get(order_id=completed.pk)
    assert on_its_way.state == "in_transit" and on_its_way.next_poll_at is not None
    assert on_its_way.carrier.code == "offline" and on_its_way.destination == "310000"
    assert sum(line.quantity for line in on_its_way.lines.all()) == 2
    assert done.state == "delivered" and done.delivered_at is not None
    assert list(done.events.order_by("occurred_at", "id").values_list("status", flat=True)) == [
        "shipped",
        "picked_up",
        "in_transit",
        "in_transit",
        "out_for_delivery",
        "delivered",
    ]
    partly = Order.objects.get(state="partly_shipped")
    delivered = Order.objects.get(state="delivered")
    assert sum(line.quantity for line in Shipment.objects.get(order_id=partly.pk).lines.all()) == 1
    assert Shipment.objects.get(order_id=delivered.pk).state == "delivered"
    shipped_orders = [shipped.pk, completed.pk, partly.pk, delivered.pk]
    assert not Shipment.objects.exclude(order_id__in=shipped_orders).exists()
    assert "demo parcels with tracking: 4 created" in out
    assert Order.objects.get(pk=completed.pk).state == "completed"  # delivery changed nothing

    assert "demo parcels with tracking: 0 created" in seed()
    assert Shipment.objects.count() == 4


def test_the_simulated_carrier_then_delivers_the_demo_order(
    demo_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seed()
        now = timezone.now()
        for step in range(4):
            services.poll_due_shipments(now=now + timedelta(minutes=10 * (step + 1)))

    # The shipped order's parcel arrives; the partly shipped one stays partly shipped (its other
    # units have not left the shop), and the demo's delivered order stays delivered.
    assert Order.objects.filter(state="delivered").count() == 2
    assert Order.objects.filter(state="partly_shipped").count() == 1
    assert not Shipment.objects.exclude(state="delivered").exists()


def test_seed_demo_gives_the_shipped_demo_orders_their_parcels(demo_world, settings):
    settings.CHAPTER_APPS = ["logistics", "orders"]
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert "demo parcels with tracking: 4 created" in out.getvalue()
    assert Shipment.objects.count() == 4


def test_without_the_simulated_carrier_it_says_so(db):
    # (Logistics no longer reads orders, so "without the orders chapter" cannot happen: the
    # parcels are the orders chapter's demo; what it may lack is logistics' simulated carrier.)
    out = io.StringIO()
    fulfilment_demo.seed_demo_parcels(out)
    assert "no demo parcels" in out.getvalue()
