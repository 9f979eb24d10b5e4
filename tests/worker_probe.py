"""A task for tests/test_celery_worker.py, imported by the worker it starts (`--include`): it
records that it started, sleeps, and records that it finished, idempotently (one row per run)."""

import os
import time

from celery import shared_task
from django.db import connection

STARTS = "test_worker_probe_starts"
FINISHES = "test_worker_probe_finishes"
CREATE = [
    f"CREATE TABLE IF NOT EXISTS {STARTS} (run_id text NOT NULL, pid integer NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {FINISHES} (run_id text PRIMARY KEY, pid integer NOT NULL)",
]
DROP = [f"DROP TABLE IF EXISTS {STARTS}", f"DROP TABLE IF EXISTS {FINISHES}"]


@shared_task(name="tests.worker_probe.slow_task")
def slow_task(run_id: str, seconds: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {STARTS} (run_id, pid) VALUES (%s, %s)",  # noqa: S608 - constant names
            [run_id, os.getpid()],
        )
    time.sleep(seconds)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FINISHES} (run_id, pid) VALUES (%s, %s) "  # noqa: S608
            "ON CONFLICT (run_id) DO NOTHING",
            [run_id, os.getpid()],
        )
