import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
        "SECRET_KEY": "x7Lq2-production-like-secret-key-for-the-check-9fK3mZ0pR8tV1wY4bN6cD",
        "ALLOWED_HOSTS": "shop.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

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
