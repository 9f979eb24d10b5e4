"""Factories of the logistics chapter."""

from __future__ import annotations

from decimal import Decimal

import factory

from logistics.models import Carrier, ShippingRule, ShippingTemplate, ShopCarrier
from logistics.quote import Basis
from tests.factories.shops import ShopFactory


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carrier
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"carrier-{n}")
    name_en = factory.Sequence(lambda n: f"Carrier {n}")
    name_zh = factory.Sequence(lambda n: f"快递 {n}")
    tracking_url_pattern = "https://track.example.com/?n={number}"
    adapter = "offline"


class ShopCarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShopCarrier

    shop = factory.SubFactory(ShopFactory)
    carrier = factory.SubFactory(CarrierFactory)


class ShippingTemplateFactory(factory.django.DjangoModelFactory):
    """By weight: first kg ¥8, each extra kg ¥3; Tibet not served; free from ¥99."""

    class Meta:
        model = ShippingTemplate

    shop = factory.SubFactory(ShopFactory)
    name = factory.Sequence(lambda n: f"Template {n}")
    basis = Basis.WEIGHT
    first_units = Decimal("1")
    first_fee = Decimal("8.00")
    extra_units = Decimal("1")
    extra_fee = Decimal("3.00")
    free_over_amount = Decimal("99.00")
    non_deliverable = factory.LazyFunction(lambda: ["540000"])


class ShippingRuleFactory(factory.django.DjangoModelFactory):
    """Remote provinces at ¥20 + ¥15/kg, never free."""

    class Meta:
        model = ShippingRule

    template = factory.SubFactory(ShippingTemplateFactory)
    shop = factory.LazyAttribute(lambda o: o.template.shop)
    provinces = factory.LazyFunction(lambda: ["650000", "630000"])
    first_units = Decimal("1")
    first_fee = Decimal("20.00")
    extra_units = Decimal("1")
    extra_fee = Decimal("15.00")
    free_shipping_applies = False
