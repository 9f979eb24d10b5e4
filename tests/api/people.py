"""People who call the API in these tests, signed in by session cookie with a CSRF token, as a
browser is (tokens are the accounts chapter's; a session works whatever becomes of them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from schemathesis.python.wsgi import get_client


@dataclass
class Identity:
    """Who sends the requests: the cookies and headers of their signed-in browser."""

    name: str
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def client(self, app):
        """A werkzeug test client of `app` carrying this person's cookies."""
        client = get_client(app)
        for name, value in self.cookies.items():
            client.set_cookie(name, value)
        return client


def signed_in(name, user, *, shop_slug: str | None = None) -> Identity:
    client = Client()
    client.force_login(user)
    csrf = _get_new_csrf_string()
    cookies = {
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
        settings.CSRF_COOKIE_NAME: csrf,
    }
    headers = {"X-CSRFToken": csrf, **({"X-Shop": shop_slug} if shop_slug else {})}
    return Identity(name, cookies, headers)
