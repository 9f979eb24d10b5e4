"""Carriers managed by the platform; each shop chooses its own."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from compliance.models import AuditLog
from logistics import services
from logistics.errors import LogisticsError
from logistics.models import Carrier, ShopCarrier
from tests.factories.logistics import CarrierFactory, ShopCarrierFactory

pytestmark = pytest.mark.django_db


def test_the_seed_creates_the_simulated_and_real_carriers_once():
    first = services.seed_carriers()
    again = services.seed_carriers()

    assert [c.pk for c in first] == [c.pk for c in again]
    codes = {c.code: c for c in Carrier.objects.all()}
    assert {"offline", "sf-express", "zto", "yto", "ems", "jd-logistics"} <= set(codes)
    assert codes["offline"].simulated
    assert not codes["sf-express"].simulated and not codes["sf-express"].adapter_configured
    assert codes["sf-express"].name_zh == "顺丰速运"


def test_a_carrier_has_names_in_both_languages_and_a_tracking_link():
    from django.utils import translation

    carrier = CarrierFactory(
        name_en="SF Express",
        name_zh="顺丰速运",
        tracking_url_pattern="https://t.example.com/track?n={number}",
    )
    with translation.override("zh-hans"):
        assert carrier.name == "顺丰速运"
    with translation.override("en"):
        assert str(carrier) == "SF Express"
    assert carrier.tracking_url("SF 123/4") == "https://t.example.com/track?n=SF%20123%2F4"
    assert CarrierFactory(tracking_url_pattern="").tracking_url("1") == ""


@pytest.mark.parametrize("pattern", ["https://t.example.com/track", "ftp://x/{number}"])
def test_a_tracking_pattern_needs_the_placeholder_and_http(pattern):
    carrier = CarrierFactory.build(code="bad", tracking_url_pattern=pattern)
    with pytest.raises(ValidationError) as error:
        carrier.full_clean()
    assert "tracking_url_pattern" in error.value.message_dict


def test_a_shop_chooses_its_carriers_and_a_default(shop):
    sf, zto, ems = (CarrierFactory() for _ in range(3))
    ShopCarrierFactory(shop=shop, carrier=ems, is_default=True)

    services.set_shop_carriers(
        shop=shop,
        actor=shop.owner,
        carrier_ids=[sf.pk, zto.pk],
        default_id=zto.pk,
        account_numbers={zto.pk: " 0571-123 "},
    )

    links = {link.carrier_id: link for link in ShopCarrier.objects.for_shop(shop)}
    assert set(links) == {sf.pk, zto.pk}
    assert links[zto.pk].is_default and not links[sf.pk].is_default
    assert links[zto.pk].account_number == "0571-123"
    entry = AuditLog.objects.get(action="logistics.shop_carriers.changed")
    assert entry.before["carriers"] == [ems.pk] and entry.after["default"] == zto.pk


def test_without_a_named_default_the_first_chosen_is_the_default(shop):
    sf, zto = CarrierFactory(), CarrierFactory()
    services.set_shop_carriers(shop=shop, actor=shop.owner, carrier_ids=[zto.pk, sf.pk])
    assert ShopCarrier.objects.get(shop=shop, is_default=True).carrier == zto


@pytest.mark.parametrize("case", ["inactive", "unknown", "default_not_chosen"])
def test_a_bad_choice_changes_nothing(shop, case):
    sf, retired = CarrierFactory(), CarrierFactory(is_active=False)
    ShopCarrierFactory(shop=shop, carrier=sf, is_default=True)
    ids, default = {
        "inactive": ([retired.pk], None),
        "unknown": ([sf.pk, 987654], None),
        "default_not_chosen": ([sf.pk], retired.pk),
    }[case]

    with pytest.raises(LogisticsError):
        services.set_shop_carriers(shop=shop, actor=shop.owner, carrier_ids=ids, default_id=default)

    assert list(ShopCarrier.objects.for_shop(shop).values_list("carrier_id", "is_default")) == [
        (sf.pk, True)
    ]


def test_the_carrier_page_saves_the_choice(seller_client, shop):
    sf, offline = (
        CarrierFactory(name_en="SF Express"),
        CarrierFactory(name_en="Sim", adapter="offline"),
    )
    url = reverse("seller:logistics-carriers")

    page = seller_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "SF Express" in body and "Test mode" in body

    response = seller_client.post(
        url,
        {
            "carriers": [str(sf.pk), str(offline.pk)],
            "default": str(sf.pk),
            f"account_{sf.pk}": "A-1",
        },
    )
    assert response.status_code == 302
    assert ShopCarrier.objects.get(shop=shop, is_default=True).account_number == "A-1"

    bad = seller_client.post(url, {"carriers": [str(sf.pk)], "default": str(offline.pk)})
    assert bad.status_code == 400
    assert "must be one of the carriers you use" in bad.content.decode()


def test_admin_lists_carriers_with_their_adapter_state(admin_client):
    services.seed_carriers()
    response = admin_client.get(reverse("admin:logistics_carrier_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Needs credentials" in body and "Simulated (test mode)" in body
    template_admin = admin_client.get(reverse("admin:logistics_shippingtemplate_changelist"))
    assert template_admin.status_code == 200


def test_the_demo_seed_gives_every_shop_carriers_and_templates_once(shop, other_shop):
    import io

    from logistics.demo import seed_demo
    from logistics.quote import QuoteLine

    seed_demo(io.StringIO())
    seed_demo(io.StringIO())

    for each in (shop, other_shop):
        assert ShopCarrier.objects.for_shop(each).count() == 3
        assert ShopCarrier.objects.get(shop=each, is_default=True).carrier.code == "offline"
        assert each.shippingtemplate_set.count() == 2
    quote = services.quote_for_shop(
        shop_id=shop.pk, province="新疆", lines=[QuoteLine(quantity=1, weight_kg=Decimal("2"))]
    )
    assert quote.fee == Decimal("28.00")


def test_the_carrier_page_has_a_constant_number_of_queries(
    db_sessions, seller_client, shop, django_assert_max_num_queries
):
    url = reverse("seller:logistics-carriers")
    for _ in range(2):
        ShopCarrierFactory(shop=shop)
    seller_client.get(url)
    with django_assert_max_num_queries(12) as few:
        seller_client.get(url)
    for _ in range(8):
        ShopCarrierFactory(shop=shop, carrier=CarrierFactory())
        CarrierFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert seller_client.get(url).status_code == 200


def test_platform_staff_add_a_carrier_in_admin_and_a_bad_pattern_is_refused(admin_client):
    url = reverse("admin:logistics_carrier_add")
    data = {
        "code": "best-express",
        "name_en": "Best Express",
        "name_zh": "百世快递",
        "is_active": "on",
        "position": "60",
        "adapter": "offline",
        "tracking_url_pattern": "https://track.example.com/",
    }

    refused = admin_client.post(url, data)
    assert refused.status_code == 200 and not Carrier.objects.filter(code="best-express").exists()
    assert "Put {number} where the tracking number goes." in refused.content.decode()

    data["tracking_url_pattern"] = "https://track.example.com/{number}"
    assert admin_client.post(url, data).status_code == 302
    assert Carrier.objects.get(code="best-express").name_zh == "百世快递"
