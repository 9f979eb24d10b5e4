"""The shop's quote: its templates from the database, the default, the flat-rate fallback."""

from decimal import Decimal

import pytest
from django.test import override_settings

from logistics import services
from logistics.errors import LogisticsError, NotDeliverable
from logistics.quote import QuoteLine
from promotions.pricing import PricingLine, price_lines
from tests.factories.logistics import (
    CarrierFactory,
    ShippingRuleFactory,
    ShippingTemplateFactory,
    ShopCarrierFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal


def line(quantity=1, price="10", weight="1", template=None):
    return QuoteLine(
        quantity=quantity,
        unit_price=D(price),
        weight_kg=D(weight),
        shipping_template_id=template,
    )


def test_a_line_uses_its_products_template(shop):
    template = ShippingTemplateFactory(shop=shop)
    ShippingRuleFactory(template=template)

    quote = services.quote_for_shop(
        shop_id=shop.pk, province="650000", lines=[line(2, weight="1.5", template=template.pk)]
    )

    assert quote.fee == D("50.00")  # remote rule: 20 + 2 × 15
    assert quote.template_ids == (template.pk,)


def test_without_a_template_the_shop_default_applies_else_the_flat_rate(shop):
    flat = services.quote_for_shop(shop_id=shop.pk, province="330000", lines=[line(3)])
    assert flat.flat_rate and flat.fee == D("10.00")

    default = ShippingTemplateFactory(shop=shop, is_default=True, free_over_amount=None)
    quote = services.quote_for_shop(shop_id=shop.pk, province="330000", lines=[line(3)])
    assert not quote.flat_rate and quote.template_ids == (default.pk,)
    assert quote.fee == D("14.00")


@override_settings(LOGISTICS_FLAT_RATE="12.50")
def test_the_flat_rate_is_a_setting(shop):
    assert services.quote_for_shop(shop_id=shop.pk, province="330000", lines=[line()]).fee == D(
        "12.50"
    )


def test_another_shops_template_is_never_used(shop, other_shop):
    theirs = ShippingTemplateFactory(shop=other_shop, first_fee=D("99"))

    quote = services.quote_for_shop(
        shop_id=shop.pk, province="330000", lines=[line(template=theirs.pk)]
    )

    assert quote.flat_rate and quote.fee == D("10.00")


def test_an_unserved_province_is_refused_by_name(shop):
    template = ShippingTemplateFactory(shop=shop, is_default=True)

    with pytest.raises(NotDeliverable) as refusal:
        services.quote_for_shop(
            shop_id=shop.pk, province="西藏", lines=[line(template=template.pk)]
        )

    assert refusal.value.province == "540000"


def test_provinces_may_be_given_as_addresses_store_them(shop):
    assert services.resolve_province("浙江省") == "330000"
    assert services.resolve_province("330000") == "330000"
    with pytest.raises(LogisticsError):
        services.resolve_province("Narnia")


def test_the_shops_active_carriers_come_with_the_quote_default_first(shop):
    sf = CarrierFactory(code="sf-test", position=1)
    zto = CarrierFactory(code="zto-test", position=2)
    retired = CarrierFactory(code="retired", is_active=False)
    ShopCarrierFactory(shop=shop, carrier=sf)
    ShopCarrierFactory(shop=shop, carrier=zto, is_default=True)
    ShopCarrierFactory(shop=shop, carrier=retired)

    quote = services.quote_for_shop(shop_id=shop.pk, province="330000", lines=[line()])

    assert [c.code for c in quote.carriers] == ["zto-test", "sf-test"]
    assert quote.default_carrier.code == "zto-test"


def test_the_quote_costs_three_queries_whatever_the_lines(shop, django_assert_num_queries):
    templates = [ShippingTemplateFactory(shop=shop) for _ in range(3)]
    for template in templates:
        ShippingRuleFactory(template=template)
    lines = [line(template=t.pk) for t in templates for _ in range(5)]

    with django_assert_num_queries(3):
        services.quote_for_shop(shop_id=shop.pk, province="330000", lines=lines)


def test_the_price_engine_quotes_each_shop_through_make_quoter(shop, other_shop):
    ShippingTemplateFactory(shop=shop, is_default=True, free_over_amount=D("50"))
    lines = [
        PricingLine(sku_id=1, shop_id=shop.pk, quantity=1, current_price=D("60"), weight_kg=D("2")),
        PricingLine(sku_id=2, shop_id=other_shop.pk, quantity=1, current_price=D("5")),
    ]
    from django.utils import timezone

    cart = price_lines(
        lines,
        buyer=None,
        moment=timezone.now(),
        shipping_quoter=services.make_quoter(province="广东省"),
    )

    assert [s.shipping for s in cart.shops] == [D("0.00"), D("10.00")]  # free over 50; flat rate
    assert cart.grand_total == D("75.00")


def test_insurance_is_charged_for_the_shops_the_buyer_chose(shop):
    ShippingTemplateFactory(
        shop=shop,
        is_default=True,
        free_over_amount=None,
        insurance_percent=D("1"),
        insurance_minimum=D("2"),
    )
    quoter = services.make_quoter(province="330000", insure_shops={shop.pk})

    quote = quoter(shop_id=shop.pk, lines=(line(1, price="500"),))

    assert quote.insured and quote.insurance_fee == D("5.00") and quote.fee == D("13.00")
