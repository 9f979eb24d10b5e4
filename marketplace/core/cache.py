"""The cache backend (`CACHES["default"]`): Django's Redis cache that degrades instead of failing.

The cache is a cache: nothing may depend on it for correctness. When Redis cannot be reached
(connection refused or reset, a timeout, a replica that became read-only, a full memory), every
operation behaves like a miss: `get` answers the default, `set`/`add`/`delete` do nothing and
answer False, `incr` raises ValueError as for a missing key, `clear` does nothing. So every user
degrades the same way: storefront fragments and the category list are built from PostgreSQL,
sessions (`marketplace.core.sessions`) come from their table, sitemaps are rendered afresh.
Throttles (`marketplace.core.throttling`) ask `available` and count in the process instead.

After a failure the cache does not try Redis again for `RETRY_SECONDS` (per process), so an
outage costs one short timeout (`socket_connect_timeout` / `socket_timeout` in the settings'
OPTIONS), not one per cache call. Errors that are bugs (a value that cannot be pickled, a wrong
key) still raise. Code that truly needs Redis does not use this cache: it talks to Redis itself,
and an outage there becomes a 503 (`marketplace.core.outage`).

`clear()` deletes only this cache's keys (those under its KEY_PREFIX), never the whole database,
so the Celery broker and results may share the Redis database of REDIS_URL (settings, "Redis").
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import exceptions as redis_errors

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
UNAVAILABLE = (
    redis_errors.ConnectionError,  # refused, reset, closed, busy loading
    redis_errors.TimeoutError,
    redis_errors.ReadOnlyError,  # a replica promoted or demoted under us
    redis_errors.OutOfMemoryError,
    OSError,
)


class _OneClientPerPool(RedisCacheClient):
    """Django's client makes a new `redis.Redis` for every cache call, and a Redis object fills
    a table of some 170 reply handlers when it is made: a third of a storefront cache hit. One
    per connection pool serves every call instead (it is thread-safe: each command borrows a
    connection from the pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool
        self._down_until = 0.0

    @property
    def available(self) -> bool:
        """False while Redis is believed down (since a failure less than RETRY_SECONDS ago)."""
        return time.monotonic() >= self._down_until

    def _guarded(self, operation: str, call, fallback):
        if not self.available:
            return fallback
        try:
            return call()
        except UNAVAILABLE as error:
            if self.available:  # log once per outage window, not once per call
                log.warning("cache unavailable (%s): %s; serving without it", operation, error)
            self._down_until = time.monotonic() + RETRY_SECONDS
            return fallback

    def get(self, key, default=None, version=None):
        return self._guarded("get", lambda: RedisCache.get(self, key, default, version), default)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key, version=None):
        return self._guarded("has_key", lambda: RedisCache.has_key(self, key, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guarded("set", lambda: RedisCache.set(self, key, value, timeout, version), None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        failed = list(data)  # what set_many answers: the keys that were not stored
        return self._guarded(
            "set_many", lambda: RedisCache.set_many(self, data, timeout, version), failed
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "add", lambda: RedisCache.add(self, key, value, timeout, version), False
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("touch", lambda: RedisCache.touch(self, key, timeout, version), False)

    def delete(self, key, version=None):
        return self._guarded("delete", lambda: RedisCache.delete(self, key, version), False)

    def delete_many(self, keys, version=None):
        self._guarded("delete_many", lambda: RedisCache.delete_many(self, keys, version), None)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._guarded("incr", lambda: RedisCache.incr(self, key, delta, version), missing)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return value

    def clear(self):
        """Delete this cache's keys (KEY_PREFIX), leaving the rest of the database alone."""
        self._guarded("clear", self._delete_own_keys, None)

    def _delete_own_keys(self):
        client = self._cache.get_client(write=True)
        prefix = "".join(f"\\{c}" if c in "*?[]\\" else c for c in self.key_prefix)
        pattern = f"{prefix}:*"  # the default KEY_FUNCTION: "<prefix>:<version>:<key>"
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.unlink(*batch)
                batch = []
        if batch:
            client.unlink(*batch)
