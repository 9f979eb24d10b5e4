import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_redis_and_celery(client):
    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["redis"] == {"ok": True}
    assert "workers" in body["checks"]["celery"]
    assert body["status"] in {"ok", "degraded"}


def test_healthz_is_down_when_redis_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    from django.core.cache import caches

    caches._settings = None
    caches.__init__()  # rebuild handlers from the overridden settings

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False
    assert response.json()["status"] == "down"
