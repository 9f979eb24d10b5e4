"""Health probes for /healthz: the database, Redis and the Celery workers (with the number of
tasks waiting in the database for the broker, marketplace.core.outbox)."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - a probe reports any failure
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def check_redis() -> dict:
    try:
        client = cache._cache.get_client()  # django's RedisCache: a real redis-py client
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def check_celery(timeout: float = 1.0) -> dict:
    from marketplace.celery import app

    try:
        replies = app.control.ping(timeout=timeout) or []
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "workers": 0, "error": exc.__class__.__name__}
    workers = sorted(name for reply in replies for name in reply)
    return {"ok": bool(workers), "workers": len(workers), "names": workers}


def waiting_tasks() -> int | None:
    """Tasks kept in the database while the broker was down (None if the database is down)."""
    from marketplace.core.models import PendingTask

    try:
        return PendingTask.objects.count()
    except Exception:  # noqa: BLE001
        return None


def health_report() -> tuple[dict, int]:
    """The report and its HTTP status: 503 when the database or Redis is down; a missing worker
    makes the platform 'degraded' (pages still work, background jobs wait) but not down."""
    checks = {"database": check_database(), "redis": check_redis(), "celery": check_celery()}
    if checks["database"]["ok"]:
        checks["celery"]["waiting_tasks"] = waiting_tasks()
    if not (checks["database"]["ok"] and checks["redis"]["ok"]):
        status, code = "down", 503
    elif not checks["celery"]["ok"]:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return {"status": status, "checks": checks}, code
