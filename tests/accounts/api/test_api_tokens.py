"""API tokens: revoked with the password or the account, expiring, named, listed and revoked by
their owner, stored as a digest only (decision 0009)."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from marketplace.accounts.models import ApiToken
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW = "another-long-passphrase"


def obtain(user, password=PASSWORD, **extra) -> dict:
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": user.email, "password": password, **extra}
    )
    assert response.status_code == 200, response.content
    return response.json()


def as_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_stops_working_when_its_owner_changes_the_password():
    user = UserFactory()
    key = obtain(user)["token"]
    browser = Client()
    browser.force_login(user)

    changed = browser.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )

    assert changed.status_code == 302
    response = as_token(key).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert not ApiToken.objects.filter(user=user).exists()


def test_a_token_stops_working_after_a_password_reset(django_capture_on_commit_callbacks):
    user = UserFactory()
    key = obtain(user)["token"]
    browser = Client()
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse("accounts:password-reset"), {"email": user.email})
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    form_page = browser.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)

    reset = browser.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}
    )

    assert reset.status_code == 302
    assert as_token(key).get("/api/v1/me/").status_code == 401


def test_a_disabled_account_loses_its_tokens_for_good():
    user = UserFactory()
    key = obtain(user)["token"]

    user.is_active = False
    user.save()
    refused = as_token(key).get("/api/v1/me/")
    user.is_active = True
    user.save()

    assert refused.status_code == 401
    assert as_token(key).get("/api/v1/me/").status_code == 401  # re-enabling brings none back


def test_a_rehashed_password_is_not_a_password_change(settings):
    """Django re-hashes a password at login when the hasher's cost changes: tokens survive."""
    user = UserFactory()
    key = obtain(user)["token"]
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.ScryptPasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]

    obtain(user)  # signs in: the MD5 hash is upgraded to the preferred hasher

    user.refresh_from_db()
    assert user.password.startswith("scrypt$")
    assert as_token(key).get("/api/v1/me/").status_code == 200


def test_a_token_expires_after_the_configured_days(settings):
    settings.API_TOKEN_TTL_DAYS = 7
    user = UserFactory()
    issued = obtain(user)
    token = ApiToken.objects.get(user=user)

    fresh = as_token(issued["token"]).get("/api/v1/me/")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = as_token(issued["token"]).get("/api/v1/me/")

    assert timedelta(days=7) - timedelta(minutes=1) < token.expires_at - token.created_at
    assert token.expires_at - token.created_at <= timedelta(days=7)
    assert issued["expires_at"]
    assert fresh.status_code == 200
    assert expired.status_code == 401
    assert expired["WWW-Authenticate"] == "Token"
    assert expired.json()["error"] == {
        "code": "token_expired",
        "message": expired.json()["error"]["message"],
        "fields": {},
    }


def test_an_unknown_token_is_a_401_in_the_error_shape():
    response = as_token("not-a-real-key").get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_only_a_digest_of_the_key_is_stored():
    user = UserFactory()
    key = obtain(user)["token"]

    token = ApiToken.objects.get(user=user)
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(token.prefix) and len(token.prefix) < len(key) // 4
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        assert not any(key in str(value) for row in cursor.fetchall() for value in row)


def test_tokens_are_named_listed_and_revoked_one_by_one_by_their_owner():
    user = UserFactory()
    erp = obtain(user, name="ERP")
    phone = obtain(user, name="phone")

    listed = as_token(phone["token"]).get("/api/v1/auth/tokens/")
    revoked = as_token(phone["token"]).delete(f"/api/v1/auth/tokens/{erp['id']}/")

    assert listed.status_code == 200
    rows = listed.json()["results"]
    assert {row["name"] for row in rows} == {"ERP", "phone"}
    assert all("token" not in row and "digest" not in row for row in rows)
    assert {row["prefix"] for row in rows} == {erp["token"][:8], phone["token"][:8]}
    assert revoked.status_code == 204
    assert as_token(erp["token"]).get("/api/v1/me/").status_code == 401
    assert as_token(phone["token"]).get("/api/v1/me/").status_code == 200


def test_another_users_token_is_a_404_and_stays_valid():
    owner, stranger = UserFactory(), UserFactory()
    owners = obtain(owner, name="ERP")
    strangers = as_token(obtain(stranger)["token"])

    seen = strangers.get(f"/api/v1/auth/tokens/{owners['id']}/")
    deleted = strangers.delete(f"/api/v1/auth/tokens/{owners['id']}/")
    listed = strangers.get("/api/v1/auth/tokens/")

    assert seen.status_code == deleted.status_code == 404
    assert [row["name"] for row in listed.json()["results"]] == ["API"]
    assert as_token(owners["token"]).get("/api/v1/me/").status_code == 200


def test_a_bad_token_name_is_a_field_error_and_issues_nothing():
    user = UserFactory()

    response = APIClient().post(
        "/api/v1/auth/token/", {"email": user.email, "password": PASSWORD, "name": "x" * 61}
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"name"}
    assert not ApiToken.objects.exists()


def test_the_token_list_is_only_for_signed_in_users():
    assert APIClient().get("/api/v1/auth/tokens/").status_code in {401, 403}


def test_listing_tokens_takes_a_constant_number_of_queries(django_assert_max_num_queries):
    user = UserFactory()
    keys = [obtain(user, name=f"device {n}")["token"] for n in range(6)]

    with django_assert_max_num_queries(4):
        response = as_token(keys[0]).get("/api/v1/auth/tokens/")

    assert response.json()["count"] == 6
