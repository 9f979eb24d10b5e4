"""Shared fixtures. Tests talk to the real PostgreSQL and Redis named by DATABASE_URL/REDIS_URL
(`make test` starts embedded ones when those are unset)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories.accounts import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Each test gets an empty cache namespace in the real Redis (throttles, lock-outs)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user_api_client(api_client, user):
    api_client.force_authenticate(user)
    return api_client
