"""Cached storefront fragments, invalidated by every catalog change.

The key of everything cached here starts with the **storefront version**: the current value of
the PostgreSQL sequence `catalog_storefront_version`, which triggers (migration
`catalog.0004_storefront`) advance whenever a row of products, SKUs, images, categories or
attribute definitions changes — through the services, the admin, a raw `UPDATE` or a bulk job
alike, so nothing has to remember to invalidate. A request reads the version once (one cheap
query, memoised on the request); a change makes every older key unreachable and Redis evicts
it (TTL). Keys also carry the active language and a digest of the parameters that shape the
fragment.

Fragments are rendered HTML (or small plain data), never model instances with live querysets.
If Redis is down, pages are built from the database every time instead of failing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils import translation

log = logging.getLogger(__name__)

FRAGMENT_TIMEOUT = 10 * 60  # a safety net: a version change makes entries stale long before
VERSION_SQL = "SELECT last_value FROM catalog_storefront_version"
_MISSING = object()


def storefront_version(request=None) -> int:
    """The catalog's current change counter (memoised on `request` when given)."""
    if request is not None:
        memo = getattr(request, "_storefront_version", None)
        if memo is not None:
            return memo
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        version = int(cursor.fetchone()[0])
    if request is not None:
        request._storefront_version = version
    return version


def fragment_key(version: int, name: str, parts: Any = (), *, per_language: bool = True) -> str:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=10).hexdigest()
    language = (translation.get_language() or "-") if per_language else "*"
    return f"sf:{version}:{language}:{name}:{digest}"


def cached(
    request,
    name: str,
    parts: Any,
    build: Callable[[], Any],
    *,
    per_language: bool = True,
    timeout: int = FRAGMENT_TIMEOUT,
):
    """`build()`'s value, from the cache when this version already has it.

    `build` must not return None (it is how a miss is told apart).
    """
    key = fragment_key(storefront_version(request), name, parts, per_language=per_language)
    try:
        value = cache.get(key, _MISSING)
    except Exception:  # noqa: BLE001 - a cache outage must not take the storefront down
        log.warning("storefront cache unavailable (get %s)", key, exc_info=True)
        return build()
    if value is not _MISSING:
        return value
    value = build()
    try:
        cache.set(key, value, timeout)
    except Exception:  # noqa: BLE001
        log.warning("storefront cache unavailable (set %s)", key, exc_info=True)
    return value
