"""Keys of the DRF tokens issued before decision 0009 keep working, stored as digests only."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from rest_framework.test import APIClient

from marketplace.accounts.models import ApiToken
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("marketplace.accounts.migrations.0003_move_drf_authtokens")
OLD_KEY = "0123456789abcdef0123456789abcdef01234567"


def test_old_drf_tokens_become_expiring_digests_and_their_keys_still_work():
    user = UserFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamptz NOT NULL, user_id bigint NOT NULL UNIQUE)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, now() - interval '400 days', %s)",
            [OLD_KEY, user.pk],
        )

    migration.move_drf_tokens(apps, SimpleNamespace(connection=connection))

    token = ApiToken.objects.get(user=user)
    assert token.prefix == OLD_KEY[:8] and not token.expired
    assert "authtoken_token" not in connection.introspection.table_names()  # nor its keys
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {OLD_KEY}")
    assert client.get("/api/v1/me/").json()["email"] == user.email


def test_a_database_without_drf_tokens_migrates_nothing():
    migration.move_drf_tokens(apps, SimpleNamespace(connection=connection))

    assert not ApiToken.objects.exists()
