"""Seller pages for shipping templates: list, create and edit with rules inline, delete."""

from decimal import Decimal

import pytest
from django.urls import reverse

from logistics.models import ShippingRule, ShippingTemplate
from shops.roles import Role
from tests.factories.logistics import ShippingRuleFactory, ShippingTemplateFactory
from tests.factories.shops import MembershipFactory

pytestmark = pytest.mark.django_db
LIST = reverse("seller:logistics-template-list")
CREATE = reverse("seller:logistics-template-create")


def form_data(**overrides):
    data = {
        "name": "Tea by weight",
        "basis": "weight",
        "first_units": "1",
        "first_fee": "8.00",
        "extra_units": "1",
        "extra_fee": "3.00",
        "free_over_amount": "99",
        "free_over_quantity": "",
        "non_deliverable": ["540000"],
        "insurance_percent": "",
        "insurance_minimum": "0",
        "is_default": "on",
        "rules-TOTAL_FORMS": "2",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "40",
        "rules-0-provinces": ["650000", "630000"],
        "rules-0-first_units": "1",
        "rules-0-first_fee": "20",
        "rules-0-extra_units": "1",
        "rules-0-extra_fee": "15",
        # rule 1 left blank: ignored
        "rules-1-first_units": "1",
        "rules-1-first_fee": "0",
        "rules-1-extra_units": "1",
        "rules-1-extra_fee": "0",
        "rules-1-free_shipping_applies": "on",
    }
    data.update(overrides)
    return data


def test_the_list_shows_the_shops_templates_only(seller_client, shop, other_shop):
    mine = ShippingTemplateFactory(shop=shop, name="Mine by weight", is_default=True)
    ShippingRuleFactory(template=mine)
    ShippingTemplateFactory(shop=other_shop, name="Zz Their template")

    response = seller_client.get(LIST)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Mine by weight" in body and "Xinjiang" in body and "Tibet" in body
    assert "Zz Their template" not in body


def test_the_list_has_a_constant_number_of_queries(
    db_sessions, seller_client, shop, django_assert_max_num_queries
):
    def load():
        seller_client.get(LIST)  # warm the session and membership caches

    for _ in range(2):
        template = ShippingTemplateFactory(shop=shop)
        ShippingRuleFactory(template=template)
    load()
    with django_assert_max_num_queries(12) as few:
        seller_client.get(LIST)
    for _ in range(10):
        template = ShippingTemplateFactory(shop=shop)
        ShippingRuleFactory(template=template)
        ShippingRuleFactory(template=template, provinces=["440000"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = seller_client.get(LIST)
    assert response.content.decode().count("/shipping/templates/") >= 12


def test_an_empty_list_explains_the_flat_rate(seller_client):
    body = seller_client.get(LIST).content.decode()
    assert "flat rate" in body and "¥10.00" in body


def test_a_template_is_created_with_its_rules(seller_client, shop):
    response = seller_client.post(CREATE, form_data())

    assert response.status_code == 302, response.content.decode()[:3000]
    template = ShippingTemplate.objects.get(shop=shop)
    assert template.is_default and template.basis == "weight"
    assert template.non_deliverable == ["540000"]
    assert [r.provinces for r in template.rules.all()] == [["650000", "630000"]]
    assert template.rules.get().free_shipping_applies is False


def test_overlapping_regions_are_refused_on_the_rule(seller_client):
    data = form_data(
        **{
            "rules-1-provinces": ["440000", "650000"],
            "rules-1-first_fee": "12",
        }
    )

    response = seller_client.post(CREATE, data)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Xinjiang already in another rule" in body
    assert 'class="rule rule-invalid"' in body
    assert not ShippingTemplate.objects.exists()


def test_negative_fees_are_refused_on_their_fields(seller_client):
    response = seller_client.post(CREATE, form_data(first_fee="-1", **{"rules-0-extra_fee": "-2"}))

    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("Ensure this value is greater than or equal to 0") == 2
    assert 'id="id_first_fee_error"' in body and 'id="id_rules-0-extra_fee_error"' in body
    assert not ShippingTemplate.objects.exists()


def test_a_province_both_in_a_rule_and_excluded_is_refused(seller_client):
    response = seller_client.post(CREATE, form_data(non_deliverable=["650000"]))
    assert response.status_code == 400
    assert "also marked as not delivered to" in response.content.decode()


def test_a_duplicate_name_is_refused_on_the_name(seller_client, shop):
    ShippingTemplateFactory(shop=shop, name="Tea by weight")
    response = seller_client.post(CREATE, form_data())
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()


def test_add_a_rule_redisplays_what_was_typed_with_one_more_rule(seller_client):
    data = form_data(add_rule="1", name="Half typed")

    response = seller_client.post(CREATE, data)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Half typed"' in body
    assert 'name="rules-TOTAL_FORMS" value="2"' in body  # the filled rule + a blank one
    assert "field-errors" not in body
    assert not ShippingTemplate.objects.exists()


def test_editing_shows_and_replaces_the_rules(seller_client, shop):
    template = ShippingTemplateFactory(shop=shop, name="Old name")
    ShippingRuleFactory(template=template, provinces=["650000"])
    url = reverse("seller:logistics-template-edit", args=[template.pk])

    page = seller_client.get(url)
    assert page.status_code == 200 and 'value="Old name"' in page.content.decode()

    data = form_data(
        name="New name",
        **{
            "rules-TOTAL_FORMS": "1",
            "rules-0-provinces": ["440000"],
        },
    )
    response = seller_client.post(url, data)

    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "New name"
    assert list(template.rules.values_list("provinces", flat=True)) == [["440000"]]


def test_a_rule_marked_for_deletion_is_removed(seller_client, shop):
    template = ShippingTemplateFactory(shop=shop)
    ShippingRuleFactory(template=template)
    url = reverse("seller:logistics-template-edit", args=[template.pk])

    response = seller_client.post(
        url, form_data(**{"rules-TOTAL_FORMS": "1", "rules-0-DELETE": "on"})
    )

    assert response.status_code == 302
    assert not ShippingRule.objects.exists()


def test_delete_asks_then_deletes(seller_client, shop):
    template = ShippingTemplateFactory(shop=shop, name="Going")
    url = reverse("seller:logistics-template-delete", args=[template.pk])

    assert "Going" in seller_client.get(url).content.decode()
    assert seller_client.post(url).status_code == 302
    assert not ShippingTemplate.objects.exists()


def test_make_default_switches_the_default(seller_client, shop):
    old = ShippingTemplateFactory(shop=shop, is_default=True)
    new = ShippingTemplateFactory(shop=shop)

    response = seller_client.post(reverse("seller:logistics-template-default", args=[new.pk]))

    assert response.status_code == 302
    old.refresh_from_db()
    new.refresh_from_db()
    assert new.is_default and not old.is_default


@pytest.mark.parametrize("name", ["logistics-template-edit", "logistics-template-delete"])
def test_another_shops_template_is_a_404_and_unchanged(other_seller_client, shop, name):
    template = ShippingTemplateFactory(shop=shop, name="A's")
    url = reverse(f"seller:{name}", args=[template.pk])

    assert other_seller_client.get(url).status_code == 404
    assert other_seller_client.post(url, form_data(name="B was here")).status_code == 404
    template.refresh_from_db()
    assert template.name == "A's"


def test_fulfilment_staff_may_edit_templates_but_product_editors_may_not(client, shop):
    fulfilment = MembershipFactory(shop=shop, role=Role.FULFILMENT).user
    editor = MembershipFactory(shop=shop, role=Role.PRODUCT_EDITOR).user

    client.force_login(fulfilment)
    assert client.get(LIST).status_code == 200
    client.force_login(editor)
    assert client.get(LIST).status_code == 403
    assert client.post(CREATE, form_data()).status_code == 403
    assert client.get(reverse("seller:logistics-carriers")).status_code == 403
    assert not ShippingTemplate.objects.exists()


def test_the_editor_speaks_chinese(seller_client):
    response = seller_client.get(CREATE, HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.content.decode()
    assert "西藏自治区" in body and "华东" in body


def test_pages_have_no_inline_scripts(seller_client, shop):
    template = ShippingTemplateFactory(shop=shop)
    for url in (LIST, CREATE, reverse("seller:logistics-template-edit", args=[template.pk])):
        body = seller_client.get(url).content.decode()
        assert "<script>" not in body and " onclick=" not in body and " onchange=" not in body


def test_units_and_fees_keep_their_precision(seller_client, shop):
    seller_client.post(CREATE, form_data(first_units="0.5", extra_units="0.25", first_fee="7.5"))
    template = ShippingTemplate.objects.get(shop=shop)
    assert (template.first_units, template.extra_units, template.first_fee) == (
        Decimal("0.500"),
        Decimal("0.250"),
        Decimal("7.50"),
    )


def test_overlaps_are_shown_together_with_other_field_errors(seller_client):
    data = form_data(
        first_fee="-1",
        **{"rules-1-provinces": ["650000"], "rules-1-first_fee": "12"},
    )

    body = seller_client.post(CREATE, data).content.decode()

    assert "Xinjiang already in another rule" in body
    assert 'id="id_first_fee_error"' in body


def test_existing_rules_show_units_without_trailing_zeros(seller_client, shop):
    template = ShippingTemplateFactory(shop=shop, first_units=Decimal("0.5"))
    ShippingRuleFactory(template=template)

    body = seller_client.get(
        reverse("seller:logistics-template-edit", args=[template.pk])
    ).content.decode()

    assert 'name="first_units" value="0.5"' in body
    assert 'name="rules-0-first_units" value="1"' in body


def test_the_edit_page_previews_the_saved_templates_fee(seller_client, shop):
    template = ShippingTemplateFactory(shop=shop, free_over_amount=None)
    ShippingRuleFactory(template=template)
    url = reverse("seller:logistics-template-edit", args=[template.pk])
    sample = {
        "preview-quantity": "2",
        "preview-unit_price": "30",
        "preview-weight_kg": "1.2",
        "preview-volume_m3": "0",
    }

    body = seller_client.get(url, {"preview-province": "330000", **sample}).content.decode()
    assert "Shipping: ¥14.00" in body  # 2.4 kg: 8 + 2 × 3

    remote = seller_client.get(url, {"preview-province": "650000", **sample}).content.decode()
    assert "Shipping: ¥50.00" in remote  # 20 + 2 × 15

    refused = seller_client.get(url, {"preview-province": "540000", **sample}).content.decode()
    assert "does not deliver to Tibet" in refused

    bad = seller_client.get(url, {"preview-province": "330000", **sample, "preview-quantity": "0"})
    assert bad.status_code == 200 and "Shipping:" not in bad.content.decode()
