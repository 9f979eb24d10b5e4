"""Cached storefront fragments, invalidated by every catalog change.

The key of everything cached here starts with the **storefront version**: the current value of
the PostgreSQL sequence `catalog_storefront_version`, which triggers (migrations
`catalog.0004_storefront` and `0005`) advance whenever a row of products, SKUs, images,
categories or attribute definitions changes — through the services, the admin, a raw `UPDATE`
or a bulk job alike — or a shop changes what buyers see of it. Nothing has to remember to
invalidate: a change makes every older key unreachable. A request reads the version once (one
cheap query, memoised on the request); keys also carry the active language and a digest of the
parameters that shape the fragment.

The same query returns `txid_current_if_assigned()`: NULL for an ordinary read, but the
transaction's id when the reading transaction has itself written something (not committed yet).
Such a transaction sees data nobody else does, so its fragments get keys of their own and are
never served to anyone else. (This is also what keeps tests, which roll their writes back,
from seeing each other's pages.)

Two levels: a small per-process LRU in front of Redis, so a hot page costs no Redis round trip
and no unpickling; safe across processes because the version comes from the database on every
request. Whole pages (one entry per URL: `tier="page"`) have an LRU of their own, so the long tail
of pages seen once cannot push out what every page shares (the layout, the category tree,
attribute templates, list frames and counts). Fragments are rendered HTML (or small plain
data), never model instances with live querysets. If Redis is down, pages are built from the
database (and kept per process) instead of failing.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils import translation

log = logging.getLogger(__name__)

FRAGMENT_TIMEOUT = 10 * 60  # a safety net: a version change makes entries stale long before
# Per process: pages are a few tens of kB; shared fragments (layouts, frames, templates of
# attributes, counts) mostly far less, and every page reads several of them.
LOCAL_ENTRIES = {"shared": 1024, "page": 512}
VERSION_SQL = "SELECT last_value, txid_current_if_assigned() FROM catalog_storefront_version"
_MISSING = object()
_local: dict[str, OrderedDict[str, Any]] = {"shared": OrderedDict(), "page": OrderedDict()}
_local_lock = threading.Lock()


def _local_get(key: str, tier: str):
    with _local_lock:
        entries = _local[tier]
        value = entries.get(key, _MISSING)
        if value is not _MISSING:
            entries.move_to_end(key)
        return value


def _local_set(key: str, value, tier: str) -> None:
    with _local_lock:
        entries = _local[tier]
        entries[key] = value
        entries.move_to_end(key)
        while len(entries) > LOCAL_ENTRIES[tier]:
            entries.popitem(last=False)


def clear_local() -> None:
    with _local_lock:
        for entries in _local.values():
            entries.clear()


def _read_version(request=None) -> tuple[int, str]:
    """(the change counter, the generation that cache keys carry), memoised on the request."""
    if request is not None:
        memo = getattr(request, "_storefront_version", None)
        if memo is not None:
            return memo
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        counter, writer = cursor.fetchone()
    memo = (int(counter), f"{counter}" if writer is None else f"{counter}t{writer}")
    if request is not None:
        request._storefront_version = memo
    return memo


def storefront_version(request=None) -> int:
    """The catalog's current change counter."""
    return _read_version(request)[0]


def fragment_key(
    version: int | str, name: str, parts: Any = (), *, per_language: bool = True
) -> str:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=10).hexdigest()
    language = (translation.get_language() or "-") if per_language else "*"
    return f"sf:{version}:{language}:{name}:{digest}"


def memoised(request, name: str, compute: Callable[[], Any]):
    """`compute()` once per request (e.g. the category tree, read by the page and the menu)."""
    if request is None:
        return compute()
    memo = request.__dict__.setdefault("_storefront_memo", {})
    if name not in memo:
        memo[name] = compute()
    return memo[name]


def cached(
    request,
    name: str,
    parts: Any,
    build: Callable[[], Any],
    *,
    per_language: bool = True,
    timeout: int = FRAGMENT_TIMEOUT,
    tier: str = "shared",
):
    """`build()`'s value, from the cache when this version already has it.

    `build` must not return None (it is how a miss is told apart). `tier="page"` for an entry
    per URL (a whole page), which goes to the in-process LRU of pages.
    """
    key = fragment_key(_read_version(request)[1], name, parts, per_language=per_language)
    value = _local_get(key, tier)
    if value is not _MISSING:
        return value
    try:
        value = cache.get(key, _MISSING)
    except Exception:  # noqa: BLE001 - a cache outage must not take the storefront down
        log.warning("storefront cache unavailable (get %s)", key, exc_info=True)
        value = _MISSING
    if value is _MISSING:
        value = build()
        try:
            cache.set(key, value, timeout)
        except Exception:  # noqa: BLE001
            log.warning("storefront cache unavailable (set %s)", key, exc_info=True)
    _local_set(key, value, tier)
    return value
