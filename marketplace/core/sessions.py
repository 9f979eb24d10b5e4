"""Sessions (SESSION_ENGINE): in PostgreSQL, with Redis in front, as Django's `cached_db`.

Every session is written to its table first, so a Redis outage loses none: the cache
(`marketplace.core.cache`) then answers misses, reads go to the table, writes to the cache are
skipped, and signing in, out and every page keep working.

One difference from `cached_db`: a session stays in the cache for at most `CACHE_SECONDS`, not
for its whole life (two weeks). During an outage that only makes Redis unreachable (not empty),
a sign-out deletes the row but cannot delete the cached copy; when Redis comes back, that copy
would sign the user in again for as long as it lives. Capped, it is gone within minutes, at the
cost of one primary-key read per session every `CACHE_SECONDS`.
"""

from __future__ import annotations

from django.contrib.sessions.backends import cached_db

CACHE_SECONDS = 10 * 60


class _CappedTimeouts:
    """The session cache, with every timeout capped at CACHE_SECONDS."""

    def __init__(self, cache):
        self._cache = cache

    def __getattr__(self, name):
        return getattr(self._cache, name)

    def __contains__(self, key):
        return key in self._cache

    def set(self, key, value, timeout=None, **kwargs):
        return self._cache.set(key, value, _capped(timeout), **kwargs)

    async def aset(self, key, value, timeout=None, **kwargs):
        return await self._cache.aset(key, value, _capped(timeout), **kwargs)


def _capped(timeout):
    return CACHE_SECONDS if timeout is None else min(timeout, CACHE_SECONDS)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _CappedTimeouts(self._cache)
