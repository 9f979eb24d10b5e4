import pytest


@pytest.fixture(autouse=True)
def _uploads_in_tmp(media_root):
    """Every catalog test writes its uploads (images, import files) to a temporary folder."""


@pytest.fixture(autouse=True)
def listing_words(db):
    """The prohibited words these tests rely on. A compliance migration seeds them, but a
    transactional test elsewhere may have flushed the table; make sure of them here."""
    from compliance.models import ProhibitedWord

    for word, kind in (
        ("最好", "absolute_claim"),
        ("best", "absolute_claim"),
        ("高仿", "prohibited"),
    ):
        ProhibitedWord.objects.get_or_create(word=word, defaults={"kind": kind})


@pytest.fixture
def green_tea(db):
    from tests.factories.catalog import tea_category

    return tea_category()


@pytest.fixture
def product(shop, green_tea):
    from tests.factories.catalog import make_product

    return make_product(shop, green_tea)


@pytest.fixture
def isolated_cache(settings):
    """For query-count tests: sessions from the database and a cache of this process only, so
    another test run clearing the shared Redis cannot add a query. Request it before clients."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "q"}
    }
