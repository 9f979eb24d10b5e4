import pytest
from django.core.management import call_command

from shops.models import Membership, Shop, ShopApplication

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_shops_once(media_root, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    shops = Shop.objects.all()
    assert sorted(shops.values_list("shop_type", flat=True)) == [
        "enterprise",
        "flagship",
        "individual",
    ]
    assert all(shop.state == "active" and shop.logo and shop.banner for shop in shops)
    assert Membership.objects.filter(user__email="seller1@demo.marketplace.local").count() == 2
    assert Membership.objects.filter(
        user__email="staff1@demo.marketplace.local", role="customer_service"
    ).exists()
    states = sorted(ShopApplication.objects.values_list("state", flat=True))
    assert states == ["approved", "approved", "approved", "rejected", "submitted"]
