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


# --- Shops (tenancy) ---------------------------------------------------------------------------
@pytest.fixture
def media_root(settings, tmp_path_factory):
    """Uploads (logos, documents) go to a temporary folder, never to var/media. Returns it."""
    root = tmp_path_factory.mktemp("media")
    settings.MEDIA_ROOT = str(root / "media")
    settings.PRIVATE_MEDIA_ROOT = str(root / "private-media")
    return root


@pytest.fixture
def shop(db):
    """Shop A: active, with an owner (`shop.owner`)."""
    from tests.factories.shops import MembershipFactory, ShopFactory

    shop = ShopFactory(name="Shop A Teahouse", slug="shop-a")
    shop.owner = MembershipFactory(shop=shop, role="owner").user
    return shop


@pytest.fixture
def other_shop(db):
    """Shop B: another tenant, with its own owner (`other_shop.owner`)."""
    from tests.factories.shops import MembershipFactory, ShopFactory

    shop = ShopFactory(name="Shop B Ceramics", slug="shop-b")
    shop.owner = MembershipFactory(shop=shop, role="owner").user
    return shop


@pytest.fixture
def seller_client(client, shop):
    """A browser signed in as shop A's owner."""
    client.force_login(shop.owner)
    return client


@pytest.fixture
def other_seller_client(shop, other_shop):
    """A browser signed in as shop B's owner (tries shop A's objects in the tenancy tests)."""
    from django.test import Client

    client = Client()
    client.force_login(other_shop.owner)
    return client


@pytest.fixture
def reference_data(db):
    """The rows data migrations seed (prohibited words, shop type terms). A transactional test
    elsewhere in the run (e2e, live server) flushes the tables and takes them away; put them
    back when missing."""
    from importlib import import_module

    from django.apps import apps

    from compliance.models import ProhibitedWord
    from shops.models import ShopTypeTerms

    if not ProhibitedWord.objects.exists():
        import_module("compliance.migrations.0003_seed_prohibited_words").seed(apps, None)
    if not ShopTypeTerms.objects.exists():
        import_module("shops.migrations.0002_seed_shop_type_terms").seed(apps, None)
