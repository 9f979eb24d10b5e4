import pytest


@pytest.fixture
def db_sessions(settings):
    """Sessions read from the database on every request, so query counts do not depend on
    whether the session is still in the (shared) Redis cache. Request it before the client."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
