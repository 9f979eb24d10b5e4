"""Seller API for shipping templates and carriers (shop-scoped), and the reference lists."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from logistics.models import ShippingTemplate, ShopCarrier
from shops.roles import Role
from tests.factories.logistics import CarrierFactory, ShippingRuleFactory, ShippingTemplateFactory
from tests.factories.shops import MembershipFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/seller/shipping-templates/"


@pytest.fixture
def api(shop):
    client = APIClient()
    client.force_authenticate(shop.owner)
    return client


def payload(**overrides):
    data = {
        "name": "By weight",
        "basis": "weight",
        "first_units": "1",
        "first_fee": "8.00",
        "extra_units": "1",
        "extra_fee": "3.00",
        "free_over_amount": "99.00",
        "non_deliverable": ["540000"],
        "is_default": True,
        "rules": [
            {
                "provinces": ["650000", "630000"],
                "first_units": "1",
                "first_fee": "20.00",
                "extra_units": "1",
                "extra_fee": "15.00",
                "free_shipping_applies": False,
            }
        ],
    }
    data.update(overrides)
    return data


def test_create_then_read_a_template_with_rules(api, shop):
    response = api.post(URL, payload(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "By weight" and body["currency"] == "CNY" and body["is_default"]
    assert body["rules"][0]["provinces"] == ["650000", "630000"]
    assert body["rules"][0]["province_names"] == ["Xinjiang", "Qinghai"]
    template = ShippingTemplate.objects.get(pk=body["id"])
    assert template.shop == shop and template.rules.count() == 1

    listed = api.get(URL).json()
    assert [row["id"] for row in listed["results"]] == [template.pk]


def test_overlapping_regions_are_a_400_naming_the_rule_field(api):
    rules = payload()["rules"] * 2
    response = api.post(URL, payload(rules=rules), format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["fields"]["rules"]) == ["1"]
    assert "already in another rule" in error["fields"]["rules"]["1"]["provinces"][0]
    assert not ShippingTemplate.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"first_fee": "-1"}, "first_fee"),
        ({"extra_units": "0"}, "extra_units"),
        ({"non_deliverable": ["999999"]}, "non_deliverable"),
        ({"basis": "distance"}, "basis"),
        ({"free_over_quantity": 0}, "free_over_quantity"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_fields_are_a_400_naming_them(api, overrides, field):
    response = api.post(URL, payload(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not ShippingTemplate.objects.exists()


def test_negative_rule_fee_is_named_inside_the_rule(api):
    rules = [dict(payload()["rules"][0], extra_fee="-5")]
    response = api.post(URL, payload(rules=rules), format="json")
    assert response.status_code == 400
    assert "extra_fee" in response.json()["error"]["fields"]["rules"]["0"]


def test_a_duplicate_name_is_a_400_on_the_name(api, shop):
    ShippingTemplateFactory(shop=shop, name="By weight")
    response = api.post(URL, payload(), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"name": [response.json()["error"]["message"]]}


def test_patch_keeps_rules_unless_given(api, shop):
    template = ShippingTemplateFactory(shop=shop)
    ShippingRuleFactory(template=template)

    response = api.patch(f"{URL}{template.pk}/", {"first_fee": "9.50"}, format="json")

    assert response.status_code == 200, response.json()
    template.refresh_from_db()
    assert template.first_fee == Decimal("9.50") and template.rules.count() == 1

    response = api.patch(f"{URL}{template.pk}/", {"rules": []}, format="json")
    assert response.status_code == 200
    assert template.rules.count() == 0


def test_patch_is_checked_against_the_rules_it_keeps(api, shop):
    template = ShippingTemplateFactory(shop=shop, non_deliverable=[])
    ShippingRuleFactory(template=template, provinces=["650000"])

    response = api.patch(f"{URL}{template.pk}/", {"non_deliverable": ["650000"]}, format="json")

    assert response.status_code == 400
    assert "provinces" in response.json()["error"]["fields"]["rules"]["0"]
    template.refresh_from_db()
    assert template.non_deliverable == []


def test_delete(api, shop):
    template = ShippingTemplateFactory(shop=shop)
    assert api.delete(f"{URL}{template.pk}/").status_code == 204
    assert not ShippingTemplate.objects.exists()


def test_another_shops_template_is_a_404_and_unchanged(api, other_shop):
    theirs = ShippingTemplateFactory(shop=other_shop, name="Theirs")

    assert api.get(f"{URL}{theirs.pk}/").status_code == 404
    assert api.patch(f"{URL}{theirs.pk}/", {"name": "Mine"}, format="json").status_code == 404
    assert api.delete(f"{URL}{theirs.pk}/").status_code == 404
    assert api.get(URL).json()["results"] == []
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_a_role_without_shipping_is_refused(shop):
    editor = MembershipFactory(shop=shop, role=Role.PRODUCT_EDITOR).user
    client = APIClient()
    client.force_authenticate(editor)
    assert client.get(URL).status_code == 403
    assert client.post(URL, payload(), format="json").status_code == 403


def test_the_list_has_a_constant_number_of_queries(api, shop, django_assert_max_num_queries):
    for _ in range(2):
        ShippingRuleFactory(template=ShippingTemplateFactory(shop=shop))
    api.get(URL)
    with django_assert_max_num_queries(10) as few:
        api.get(URL)
    for _ in range(15):
        ShippingRuleFactory(template=ShippingTemplateFactory(shop=shop))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api.get(URL)
    assert response.json()["count"] == 17


def test_the_shop_chooses_carriers_through_the_api(api, shop):
    sf, zto = CarrierFactory(), CarrierFactory()

    response = api.put(
        "/api/v1/seller/carriers/",
        {"carriers": [sf.pk, zto.pk], "default": zto.pk, "account_numbers": {str(sf.pk): "X1"}},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert [row["carrier"]["id"] for row in response.json()] == [zto.pk, sf.pk]
    assert ShopCarrier.objects.get(shop=shop, carrier=sf).account_number == "X1"
    bad = api.put(
        "/api/v1/seller/carriers/", {"carriers": [sf.pk], "default": 99999}, format="json"
    )
    assert bad.status_code == 400 and "default" in bad.json()["error"]["fields"]


def test_reference_lists(api):
    CarrierFactory(code="visible")
    CarrierFactory(code="hidden", is_active=False)
    regions = APIClient().get("/api/v1/logistics/regions/").json()
    assert len(regions) == 34 and {"code", "name_en", "name_zh", "area", "remote"} == set(
        regions[0]
    )
    carriers = api.get("/api/v1/logistics/carriers/").json()
    assert [c["code"] for c in carriers] == ["visible"]
