"""The API as a client sees it: requests sent into Django's own WSGI handler in-process (through
every middleware) and the OpenAPI schema the app serves, loaded by schemathesis to check answers
against it. Who sends them: `tests.api.people`."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

SCHEMA_CONFIG = {"generation": {"with-security-parameters": False, "deterministic": True}}


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler, called in-process inside the test's transaction. Like Django's test
    client, keep the request signals from closing the connection that holds that transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app):
    """The OpenAPI schema as the app serves it at /api/schema/."""
    return schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", wsgi_app, config=schemathesis.Config.from_dict(SCHEMA_CONFIG)
    )
