"""Celery's broker settings: a visibility timeout chosen on purpose, and the broker and results in
the Redis database that REDIS_URL names, so two deployments on one Redis never share a queue."""

import json
import os
import subprocess
import sys

import pytest
from celery import Celery
from django.conf import settings
from django.core.checks import run_checks

from marketplace.celery import app
from marketplace.core.tasks import RETRY_POLICY
from tests.processes import BASE_DIR

# Tasks allowed to run longer than the visibility timeout: each claims its work once in the
# database, so the second delivery that a long run provokes stops at once.
CLAIMED_ONCE = {"catalog.tasks.run_bulk_job"}


def base_settings(**env) -> dict:
    """What the base settings make of an environment (in a fresh interpreter)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "REDIS_"))}
    code = (
        "import json; from marketplace.settings import base as s; print(json.dumps({"
        "'cache': s.CACHES['default']['LOCATION'], 'broker': s.CELERY_BROKER_URL, "
        "'results': s.CELERY_RESULT_BACKEND}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_the_broker_and_results_use_the_database_that_redis_url_names():
    assert base_settings(REDIS_URL="redis://redis.example:6379/5") == {
        "cache": "redis://redis.example:6379/5",
        "broker": "redis://redis.example:6379/5",
        "results": "redis://redis.example:6379/5",
    }
    assert base_settings(REDIS_URL="unix:///run/redis.sock?db=7") == {
        "cache": "unix:///run/redis.sock?db=7",
        "broker": "redis+socket:///run/redis.sock?virtual_host=7",
        "results": "redis+socket:///run/redis.sock?db=7",
    }


def test_two_deployments_on_one_redis_do_not_share_a_queue():
    one = base_settings(REDIS_URL="redis://redis.example:6379/3")
    two = base_settings(REDIS_URL="redis://redis.example:6379/4")

    assert one["broker"] != two["broker"] and one["results"] != two["results"]


def test_explicit_broker_and_result_urls_win():
    assert base_settings(
        REDIS_URL="redis://r:6379/0",
        CELERY_BROKER_URL="redis://r:6379/1",
        CELERY_RESULT_BACKEND="redis://r:6379/2",
    ) == {"cache": "redis://r:6379/0", "broker": "redis://r:6379/1", "results": "redis://r:6379/2"}


@pytest.mark.parametrize("db", [0, 6])
def test_a_socket_url_reaches_the_database_it_names(private_redis, db):
    from marketplace.settings.base import celery_redis_url, redis_db_url

    url = private_redis.url if db == 0 else redis_db_url(private_redis.url, db)
    sender = Celery("probe", broker=celery_redis_url(url, broker=True), set_as_current=False)
    sender.conf.task_ignore_result = True

    sender.send_task("tests.nothing", queue="probe")

    assert private_redis.client(db).llen("probe") == 1
    others = [n for n in (0, 1, 2, 6) if n != db]
    assert [private_redis.client(n).llen("probe") for n in others] == [0, 0, 0]


def test_each_test_worker_caches_in_a_database_of_its_own_beside_the_broker():
    from marketplace.settings.base import celery_redis_url

    cache_url = settings.CACHES["default"]["LOCATION"]
    assert cache_url == settings.TEST_CACHE_REDIS_URL
    assert cache_url != settings.REDIS_URL
    if "CELERY_BROKER_URL" not in os.environ:
        assert celery_redis_url(settings.REDIS_URL, broker=True) == settings.CELERY_BROKER_URL


def test_the_visibility_timeout_outlasts_every_task_and_countdown_but_only_by_minutes():
    timeout = settings.CELERY_VISIBILITY_TIMEOUT

    assert app.conf.broker_transport_options["visibility_timeout"] == timeout
    assert app.conf.result_backend_transport_options["visibility_timeout"] == timeout
    assert app.conf.visibility_timeout == timeout
    assert timeout > settings.CELERY_TASK_TIME_LIMIT + RETRY_POLICY["retry_backoff_max"]
    assert timeout <= 20 * 60  # a lost task is back within minutes, not Celery's hour
    longer = {
        name
        for name, task in app.tasks.items()
        if (task.time_limit or settings.CELERY_TASK_TIME_LIMIT) >= timeout
    }
    assert longer <= CLAIMED_ONCE


def test_a_visibility_timeout_shorter_than_a_task_is_reported(settings):
    settings.CELERY_VISIBILITY_TIMEOUT = settings.CELERY_TASK_TIME_LIMIT

    assert [m.id for m in run_checks() if m.id == "core.W001"] == ["core.W001"]
