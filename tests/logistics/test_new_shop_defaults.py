"""A new shop starts able to ship (issue 13, item 2): the platform's default carriers and a
standard shipping template, given when its application is approved; nothing it already has is
touched."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from logistics import services
from logistics.models import ShippingTemplate, ShopCarrier
from logistics.services import defaults
from shops import services as shop_services
from tests.factories.accounts import UserFactory
from tests.factories.shops import submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def carriers(db):
    return {carrier.code: carrier for carrier in services.seed_carriers()}


def approve(django_capture_on_commit_callbacks, **kwargs):
    application = submitted_application(**kwargs)
    with django_capture_on_commit_callbacks(execute=True):
        return shop_services.approve_application(
            application=application, reviewer=UserFactory(is_staff=True)
        )


def test_an_approved_shop_starts_with_carriers_and_a_standard_template(
    carriers, django_capture_on_commit_callbacks
):
    shop = approve(django_capture_on_commit_callbacks, shop_name="Kiln Works")

    links = list(ShopCarrier.objects.for_shop(shop).select_related("carrier"))
    assert [link.carrier.code for link in links] == ["sf-express", "zto", "yto"]
    assert [link.carrier.code for link in links if link.is_default] == ["sf-express"]
    template = ShippingTemplate.objects.for_shop(shop).get()
    assert template.is_default and template.basis == "piece"


def test_the_default_template_quotes_near_and_far_and_refuses_cross_border(
    carriers, django_capture_on_commit_callbacks
):
    shop = approve(django_capture_on_commit_callbacks, shop_name="Kiln Works")
    template = ShippingTemplate.objects.for_shop(shop).get()
    rules = list(template.rules.all())
    assert len(rules) == 1 and "650000" in rules[0].provinces  # Xinjiang: the far rule
    assert rules[0].first_fee == Decimal("20.00")
    assert set(defaults.NOT_SERVED) <= set(template.non_deliverable)
    assert template.first_fee == Decimal("10.00") and template.extra_fee == Decimal("5.00")


def test_a_shop_that_has_its_own_setup_keeps_it(carriers, shop):
    services.set_shop_carriers(shop=shop, actor=shop.owner, carrier_ids=[carriers["ems"].pk])
    defaults.give_new_shop_defaults(shop_id=shop.pk)
    assert [link.carrier.code for link in ShopCarrier.objects.for_shop(shop)] == ["ems"]
    assert ShippingTemplate.objects.for_shop(shop).count() == 1  # only the template was missing


def test_the_new_shops_orders_to_ship_do_not_ask_for_carriers(
    carriers, client, django_capture_on_commit_callbacks
):
    shop = approve(django_capture_on_commit_callbacks, shop_name="Kiln Works")
    client.force_login(shop.memberships.get().user)
    page = client.get(reverse("seller:orders-to-ship"))
    assert page.status_code == 200
    assert "Choose your carriers before shipping." not in page.content.decode()
