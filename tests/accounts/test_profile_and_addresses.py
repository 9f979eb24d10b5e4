import pytest
from django.urls import reverse

from marketplace.accounts.models import Address
from tests.factories.accounts import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = {
    "recipient": "王芳",
    "phone": "139 1234 5678",
    "province": "广东省",
    "city": "深圳市",
    "district": "南山区",
    "detail": "科技园路 1 号",
    "postcode": "518000",
}


def test_profile_saves_language_and_time_zone(user_client, user):
    response = user_client.post(
        reverse("accounts:profile"),
        {
            "display_name": "小王",
            "phone": "+8613800138000",
            "preferred_language": "zh-hans",
            "time_zone": "Europe/Berlin",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.preferred_language, user.time_zone) == (
        "小王",
        "zh-hans",
        "Europe/Berlin",
    )


def test_profile_refuses_a_bad_phone_and_unknown_zone(user_client, user):
    response = user_client.post(
        reverse("accounts:profile"),
        {"display_name": "x", "phone": "call me", "preferred_language": "", "time_zone": "Mars/X"},
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"phone", "time_zone"}
    user.refresh_from_db()
    assert user.phone == ""


def test_first_address_becomes_default_and_a_new_default_replaces_it(user_client, user):
    user_client.post(reverse("accounts:address-create"), ADDRESS)
    user_client.post(
        reverse("accounts:address-create"), {**ADDRESS, "recipient": "李雷", "is_default": "on"}
    )

    addresses = {a.recipient: a.is_default for a in Address.objects.filter(user=user)}
    assert addresses == {"王芳": False, "李雷": True}
    assert Address.objects.get(recipient="王芳").phone == "13912345678"


def test_deleting_the_default_promotes_another(user_client, user):
    first = AddressFactory(user=user, is_default=True)
    second = AddressFactory(user=user)

    user_client.post(reverse("accounts:address-delete", args=[first.pk]))

    second.refresh_from_db()
    assert second.is_default


def test_address_with_missing_fields_gives_errors_and_saves_nothing(user_client, user):
    response = user_client.post(
        reverse("accounts:address-create"), {**ADDRESS, "recipient": "", "phone": "abc"}
    )

    assert response.status_code == 200
    assert {"recipient", "phone"} <= set(response.context["form"].errors)
    assert not Address.objects.exists()


def test_someone_elses_address_is_not_found(user_client):
    stranger = AddressFactory(user=UserFactory())

    assert user_client.get(reverse("accounts:address-edit", args=[stranger.pk])).status_code == 404
    assert (
        user_client.post(reverse("accounts:address-delete", args=[stranger.pk])).status_code == 404
    )
    assert Address.objects.filter(pk=stranger.pk).exists()


def test_address_book_needs_login(client):
    response = client.get(reverse("accounts:addresses"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
