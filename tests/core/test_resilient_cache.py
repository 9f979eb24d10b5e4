"""The cache degrades to misses while Redis is down, quickly, and comes back by itself; clearing
it never touches what else lives in its Redis database (the broker's queues)."""

import time

import pytest
from django.core.cache import cache

from catalog import selectors
from marketplace.core import cache as resilient

pytestmark = pytest.mark.django_db


def test_every_cache_operation_is_a_miss_while_redis_is_down(redis_cache):
    cache.set("kept", "value")
    redis_cache.stop()

    assert cache.get("kept") is None
    assert cache.get("kept", "default") == "default"
    assert cache.get_many(["kept", "other"]) == {}
    assert "kept" not in cache
    assert cache.add("new", 1) is False
    assert cache.delete("kept") is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.get_or_set("computed", lambda: 42) == 42
    with pytest.raises(ValueError):
        cache.incr("counter")
    cache.set("ignored", 1)
    cache.delete_many(["a", "b"])
    cache.touch("kept")
    cache.clear()
    assert cache.available is False


def test_an_outage_costs_one_failed_attempt_not_one_per_call(redis_cache):
    redis_cache.stop()
    cache.get("first")  # the attempt that finds Redis down

    started = time.monotonic()
    for n in range(500):
        cache.get(f"key-{n}")
    assert time.monotonic() - started < 0.5


def test_the_cache_comes_back_by_itself(redis_cache, monkeypatch):
    monkeypatch.setattr(resilient, "RETRY_SECONDS", 0.2)
    redis_cache.stop()
    cache.set("key", "lost")

    redis_cache.start()
    time.sleep(0.3)
    cache.set("key", "stored")

    assert cache.available is True
    assert cache.get("key") == "stored"


def test_the_category_list_is_read_from_the_database_while_redis_is_down(redis_cache):
    from tests.factories.catalog import make_category

    tea = make_category("Tea")
    redis_cache.stop()

    assert tea in selectors.all_categories()


def test_clearing_the_cache_leaves_the_rest_of_its_database_alone(redis_cache):
    other = redis_cache.client()
    other.rpush("celery", "a queued task")
    other.set("_kombu.binding.celery", "binding")
    cache.set("mine", 1)

    cache.clear()

    assert cache.get("mine") is None
    assert other.llen("celery") == 1 and other.get("_kombu.binding.celery") == b"binding"


def test_storefront_pages_and_sitemaps_answer_without_redis(client, redis_cache):
    redis_cache.stop()

    statuses = {url: client.get(url).status_code for url in ("/", "/categories/", "/sitemap.xml")}

    assert statuses == {"/": 200, "/categories/": 200, "/sitemap.xml": 200}
