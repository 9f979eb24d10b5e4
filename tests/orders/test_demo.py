"""The orders demo data: orders in several states for the demo shops, and a second run that
creates nothing."""

import io

import pytest

from orders import demo
from orders.models import Checkout, Order
from tests.factories.accounts import AddressFactory, UserFactory
from tests.factories.orders import live_sku
from tests.factories.shops import MembershipFactory, ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(media_root):
    buyer = UserFactory(email=demo.BUYER)
    AddressFactory(user=buyer, is_default=True, province="上海市", city="上海市")
    for index in range(2):
        shop = ShopFactory()
        MembershipFactory(
            shop=shop, user=UserFactory(email=f"seller{index}@demo.marketplace.local")
        )
        live_sku(shop, stock=50)
    return buyer


def test_seed_demo_creates_orders_in_several_states_once(demo_world):
    out = io.StringIO()

    demo.seed_demo(out)

    states = set(Order.objects.values_list("state", flat=True))
    assert {"pending_payment", "paid", "accepted", "shipped", "completed", "cancelled"} <= states
    assert Order.objects.filter(exception="address_problem").exists()
    assert Order.objects.filter(state="paid", respond_by__isnull=False).count() >= 1
    checkouts = Checkout.objects.count()
    assert checkouts == len(demo.SCENARIOS)

    demo.seed_demo(out)

    assert Checkout.objects.count() == checkouts
    assert "0 demo checkouts created" in out.getvalue()


def test_without_demo_products_it_creates_nothing(db):
    buyer = UserFactory(email=demo.BUYER)
    AddressFactory(user=buyer)
    out = io.StringIO()
    demo.seed_demo(out)
    assert not Order.objects.exists() and "no live demo products" in out.getvalue()
