import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
    "SECRET_KEY": "x7Lq2-production-like-secret-key-for-the-check-9fK3mZ0pR8tV1wY4bN6cD",
    "ALLOWED_HOSTS": "shop.example.com",
}
LIVE_STRIPE = {
    "PAYMENT_PROVIDER": "stripe",
    "STRIPE_SECRET_KEY": "sk_live_0123456789abcdefghijklmnopqrstuv",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_0123456789abcdefghijklmnopqrstuv",
    "STRIPE_WEBHOOK_SECRET": "whsec_0123456789abcdefghijklmnopqrstuv",
}
PAYMENT_VARIABLES = ("PAYMENT_PROVIDER", "TEST_DEPLOYMENT", *LIVE_STRIPE)


def check_deploy(**variables):
    env = {k: v for k, v in os.environ.items() if k not in PAYMENT_VARIABLES}
    env.update(PRODUCTION, **variables)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    # A real deployment takes real payments (the offline test provider is refused).
    result = check_deploy(**LIVE_STRIPE)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_the_development_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "marketplace.settings.production"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if "script-src" in part)
    assert "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert b"<script>" not in response.content  # every script is a file under static/


def test_no_page_loads_anything_from_another_host(client):
    for path in ["/", "/accounts/signup/", "/accounts/login/", "/api/docs/", "/admin/login/"]:
        content = client.get(path).content.decode()
        assert "https://" not in content.replace("https://schemas", ""), path


def test_htmx_is_served_from_static(client):
    from django.contrib.staticfiles import finders

    assert finders.find("js/htmx.min.js")
    assert "js/htmx.min.js" in client.get("/").content.decode()


# --- Test-mode payments in production -----------------------------------------------------------
def test_production_settings_refuse_the_offline_test_provider():
    default = check_deploy()  # PAYMENT_PROVIDER not set: "offline"
    named = check_deploy(PAYMENT_PROVIDER="offline", TEST_DEPLOYMENT="false")

    for result in (default, named):
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "PAYMENT_PROVIDER" in result.stderr and "TEST_DEPLOYMENT" in result.stderr


@pytest.mark.parametrize(
    "variables",
    [
        {**LIVE_STRIPE, "STRIPE_SECRET_KEY": ""},
        {**LIVE_STRIPE, "STRIPE_WEBHOOK_SECRET": ""},
        {**LIVE_STRIPE, "STRIPE_PUBLISHABLE_KEY": ""},
        {**LIVE_STRIPE, "STRIPE_SECRET_KEY": "sk_test_0123456789abcdefghijklmnop"},
        {**LIVE_STRIPE, "PAYMENT_PROVIDER": "nonsense"},
    ],
    ids=["no-secret-key", "no-webhook-secret", "no-publishable-key", "test-mode-key", "unknown"],
)
def test_production_settings_refuse_stripe_that_cannot_take_real_payments(variables):
    result = check_deploy(**variables)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_a_declared_test_deployment_may_use_the_offline_provider():
    result = check_deploy(PAYMENT_PROVIDER="offline", TEST_DEPLOYMENT="true")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


BANNER = 'class="test-deployment-banner"'


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_of_a_test_deployment_says_so(settings, client, admin_client, language):
    from django.test import RequestFactory

    from marketplace.core.views import server_error

    settings.TEST_DEPLOYMENT = True
    settings.LANGUAGE_CODE = language
    pages = {
        "storefront": client.get("/", HTTP_ACCEPT_LANGUAGE=language),
        "sign-in": client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language),
        "not found": client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language),
        "admin": admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE=language),
        "admin sign-in": client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE=language),
        "server error": server_error(RequestFactory().get("/")),
    }
    for name, response in pages.items():
        body = response.content.decode()
        assert BANNER in body, name
        if language == "en":
            assert "Test deployment" in body, name


def test_a_real_deployment_shows_no_banner(settings, client, admin_client):
    settings.TEST_DEPLOYMENT = False
    for response in (client.get("/"), admin_client.get("/admin/"), client.get("/nothing/")):
        assert BANNER not in response.content.decode()
