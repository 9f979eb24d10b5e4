"""Writing shipping templates: all or nothing, overlapping regions and bad fees refused."""

from decimal import Decimal

import pytest

from compliance.models import AuditLog
from logistics import services
from logistics.errors import LogisticsError
from logistics.models import ShippingRule, ShippingTemplate
from tests.factories.logistics import ShippingRuleFactory, ShippingTemplateFactory

pytestmark = pytest.mark.django_db
D = Decimal


def fields(**overrides):
    values = {
        "name": "Tea by weight",
        "basis": "weight",
        "first_units": D("1"),
        "first_fee": D("8.00"),
        "extra_units": D("0.5"),
        "extra_fee": D("2.00"),
        "free_over_amount": D("99"),
        "free_over_quantity": None,
        "non_deliverable": ["540000"],
        "insurance_percent": D("0.5"),
        "insurance_minimum": D("1"),
        "is_default": True,
    }
    values.update(overrides)
    return values


def rule(provinces, **overrides):
    values = {
        "provinces": provinces,
        "first_units": D("1"),
        "first_fee": D("20"),
        "extra_units": D("1"),
        "extra_fee": D("15"),
        "free_shipping_applies": False,
    }
    values.update(overrides)
    return values


def test_a_template_is_saved_with_its_rules_and_audited(shop):
    template = services.save_shipping_template(
        shop=shop,
        actor=shop.owner,
        fields=fields(),
        rules=[rule(["650000", "630000"]), rule(["150000"], first_fee=D("12"))],
    )

    template.refresh_from_db()
    assert template.shop == shop and template.is_default and template.currency == "CNY"
    assert [r.provinces for r in template.rules.all()] == [["650000", "630000"], ["150000"]]
    assert all(r.shop_id == shop.pk for r in template.rules.all())
    entry = AuditLog.objects.get(action="logistics.template.created")
    assert entry.shop_id == shop.pk and entry.after["name"] == "Tea by weight"


def test_editing_replaces_the_rules_and_records_before_and_after(shop):
    template = ShippingTemplateFactory(shop=shop, name="Old")
    ShippingRuleFactory(template=template)

    services.save_shipping_template(
        shop=shop,
        actor=shop.owner,
        template=template,
        fields=fields(name="New", is_default=False),
        rules=[rule(["440000"])],
    )

    assert list(
        ShippingRule.objects.filter(template=template).values_list("provinces", flat=True)
    ) == [["440000"]]
    entry = AuditLog.objects.get(action="logistics.template.updated")
    assert entry.before["name"] == "Old" and entry.after["name"] == "New"


@pytest.mark.parametrize(
    ("template_fields", "rules", "field"),
    [
        (fields(), [rule(["650000"]), rule(["650000", "440000"])], "rules.1.provinces"),
        (fields(), [rule(["540000"])], "rules.0.provinces"),  # also not delivered to
        (fields(), [rule([])], "rules.0.provinces"),
        (fields(), [rule(["999999"])], "rules.0.provinces"),
        (fields(), [rule(["650000"], extra_fee=D("-1"))], "rules.0.extra_fee"),
        (fields(first_fee=D("-0.01")), [], "first_fee"),
        (fields(first_units=D("0")), [], "first_units"),
        (fields(basis="piece", extra_units=D("0.5")), [], "extra_units"),
        (fields(name="  "), [], "name"),
        (fields(basis="distance"), [], "basis"),
        (fields(free_over_amount=D("-5")), [], "free_over_amount"),
        (fields(free_over_quantity=0), [], "free_over_quantity"),
        (fields(insurance_percent=D("0")), [], "insurance_percent"),
        (fields(insurance_percent=D("101")), [], "insurance_percent"),
        (fields(insurance_minimum=D("-1")), [], "insurance_minimum"),
        (fields(non_deliverable=["XX"]), [], "non_deliverable"),
        (fields(first_fee=D("1.005")), [], "first_fee"),
    ],
)
def test_a_bad_template_is_refused_on_its_field_and_nothing_is_written(
    shop, template_fields, rules, field
):
    with pytest.raises(LogisticsError) as error:
        services.save_shipping_template(
            shop=shop, actor=shop.owner, fields=template_fields, rules=rules
        )

    assert error.value.field == field
    assert not ShippingTemplate.objects.exists()
    assert not ShippingRule.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="logistics.").exists()


def test_overlapping_regions_have_their_own_code_and_name_the_province(shop):
    with pytest.raises(LogisticsError) as error:
        services.save_shipping_template(
            shop=shop,
            actor=shop.owner,
            fields=fields(),
            rules=[rule(["650000"]), rule(["630000", "650000"])],
        )
    assert error.value.code == "overlapping_regions"
    assert "Xinjiang" in str(error.value.message)


def test_a_failed_edit_leaves_the_old_template_and_rules(shop):
    template = ShippingTemplateFactory(shop=shop, name="Keep me")
    ShippingRuleFactory(template=template, provinces=["650000"])

    with pytest.raises(LogisticsError):
        services.save_shipping_template(
            shop=shop,
            actor=shop.owner,
            template=template,
            fields=fields(name="Changed"),
            rules=[rule(["440000"]), rule(["440000"])],
        )

    template.refresh_from_db()
    assert template.name == "Keep me"
    assert list(template.rules.values_list("provinces", flat=True)) == [["650000"]]


def test_names_are_unique_per_shop_but_not_across_shops(shop, other_shop):
    ShippingTemplateFactory(shop=shop, name="Standard")
    ShippingTemplateFactory(shop=other_shop, name="Express")

    with pytest.raises(LogisticsError) as error:
        services.save_shipping_template(
            shop=shop, actor=shop.owner, fields=fields(name="standard"), rules=[]
        )
    assert error.value.field == "name"
    services.save_shipping_template(
        shop=shop, actor=shop.owner, fields=fields(name="Express"), rules=[]
    )


def test_one_default_per_shop(shop, other_shop):
    first = ShippingTemplateFactory(shop=shop, is_default=True)
    theirs = ShippingTemplateFactory(shop=other_shop, is_default=True)

    second = services.save_shipping_template(
        shop=shop, actor=shop.owner, fields=fields(name="Second", is_default=True), rules=[]
    )
    first.refresh_from_db()
    theirs.refresh_from_db()
    assert second.is_default and not first.is_default and theirs.is_default

    services.set_default_template(shop=shop, actor=shop.owner, template=first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_default and not second.is_default


def test_another_shops_template_cannot_be_edited_or_deleted(shop, other_shop):
    theirs = ShippingTemplateFactory(shop=other_shop, name="Theirs")

    with pytest.raises(ShippingTemplate.DoesNotExist):
        services.save_shipping_template(
            shop=shop, actor=shop.owner, template=theirs, fields=fields(), rules=[]
        )
    with pytest.raises(ShippingTemplate.DoesNotExist):
        services.delete_shipping_template(shop=shop, actor=shop.owner, template=theirs)
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_deleting_a_template_removes_its_rules_and_is_audited(shop):
    template = ShippingTemplateFactory(shop=shop)
    ShippingRuleFactory(template=template)

    services.delete_shipping_template(shop=shop, actor=shop.owner, template=template)

    assert not ShippingTemplate.objects.exists() and not ShippingRule.objects.exists()
    assert AuditLog.objects.filter(action="logistics.template.deleted", shop_id=shop.pk).exists()


def test_the_database_refuses_what_the_service_would(shop):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ShippingTemplateFactory(shop=shop, first_fee=D("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ShippingTemplateFactory(shop=shop, extra_units=D("0"))
    template = ShippingTemplateFactory(shop=shop, is_default=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShippingTemplateFactory(shop=shop, is_default=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShippingRuleFactory(template=template, provinces=[])
