"""Fixtures for the Redis outage tests: a private Redis server that the test may stop, the cache
and the Celery broker pointed at it."""

import pytest

from tests.processes import PrivateRedis


@pytest.fixture
def private_redis():
    """A Redis server of the test's own (stop() it to simulate an outage, start() it again)."""
    server = PrivateRedis().start()
    yield server
    server.remove()


@pytest.fixture
def redis_cache(settings, private_redis):
    """The cache (`CACHES["default"]`) in the private Redis; the process-local throttle counts
    start empty."""
    from marketplace.core.throttling import LOCAL_COUNTS

    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": private_redis.url}}
    LOCAL_COUNTS.clear()
    yield private_redis
    LOCAL_COUNTS.clear()


def _reset_pools(app):
    """Forget the app's broker pools (what Celery itself does after a fork). They are not closed:
    kombu keeps one pool per URL for the whole process and hands the same one out again."""
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.fixture
def redis_broker(private_redis):
    """Celery sends for real (not eagerly) to the private Redis; the outbox forgets any failure
    of an earlier test."""
    from marketplace.celery import app
    from marketplace.core import outbox

    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis+socket://{private_redis.socket}"
    _reset_pools(app)
    outbox._broker_down_until = 0.0
    yield private_redis
    app.conf.task_always_eager, app.conf.broker_url = previous
    _reset_pools(app)
    outbox._broker_down_until = 0.0
