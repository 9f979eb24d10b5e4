"""The profile's API tokens page: create one (its key shown once), list, revoke; both languages."""

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from marketplace.accounts.models import ApiToken
from marketplace.accounts.services import issue_api_token
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def works(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/me/").status_code == 200


def test_a_token_made_on_the_page_shows_its_key_once_and_works(user_client, user):
    created = user_client.post(reverse("accounts:api-tokens"), {"name": "ERP"})
    again = user_client.get(reverse("accounts:api-tokens"))

    key = created.context["new_key"]
    assert created.status_code == 200 and "no-store" in created["Cache-Control"]
    assert key in created.content.decode()
    assert works(key)
    token = ApiToken.objects.get(user=user)
    assert token.name == "ERP"
    assert key not in again.content.decode()
    assert "ERP" in again.content.decode() and token.prefix in again.content.decode()


def test_a_token_without_a_name_is_a_field_error(user_client, user):
    response = user_client.post(reverse("accounts:api-tokens"), {"name": ""})

    assert "name" in response.context["form"].errors
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_owner_revokes_a_token_on_the_page(user_client, user):
    token, key = issue_api_token(user=user, name="phone")

    response = user_client.post(reverse("accounts:api-token-revoke", args=[token.pk]))

    assert response.status_code == 302
    assert not works(key)


def test_another_users_token_cannot_be_revoked_or_seen(user_client):
    token, key = issue_api_token(user=UserFactory(), name="Their ERP")

    revoke = user_client.post(reverse("accounts:api-token-revoke", args=[token.pk]))
    page = user_client.get(reverse("accounts:api-tokens"))

    assert revoke.status_code == 404
    assert "Their ERP" not in page.content.decode()
    assert works(key)


def test_the_page_speaks_chinese(user_client, user):
    issue_api_token(user=user, name="ERP")
    user_client.cookies["django_language"] = "zh-hans"

    with translation.override("zh-hans"):
        page = user_client.get(reverse("accounts:api-tokens"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert page.status_code == 200
    assert 'lang="zh-hans"' in page.content.decode() or "zh" in page["Content-Language"]
    profile = user_client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:api-tokens") in profile


def test_staff_see_a_users_tokens_in_admin_but_never_their_keys(admin_client):
    owner = UserFactory()
    token, key = issue_api_token(user=owner, name="Warehouse scanner")

    page = admin_client.get(reverse("admin:accounts_user_change", args=[owner.pk]))

    assert page.status_code == 200
    body = page.content.decode()
    assert "Warehouse scanner" in body and token.prefix in body
    assert key not in body and token.digest not in body
