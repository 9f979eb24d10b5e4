"""Platform staff read orders, payments, provider events and refunds in admin (changed only
through the services)."""

import pytest
from django.urls import reverse

from tests.factories.accounts import UserFactory
from tests.factories.orders import paid_order

pytestmark = pytest.mark.django_db


def test_staff_see_orders_payments_and_events(client, shop):
    order = paid_order(shop)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    for name in ("order", "checkout", "payment", "paymentevent", "refund"):
        page = client.get(reverse(f"admin:orders_{name}_changelist"))
        assert page.status_code == 200, name
    detail = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert detail.status_code == 200
    assert order.number in detail.content.decode() and "pending_payment" in detail.content.decode()
    assert (
        client.get(reverse("admin:orders_order_changelist"), {"q": order.number}).status_code == 200
    )
