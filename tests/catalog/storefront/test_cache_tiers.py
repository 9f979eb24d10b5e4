"""The in-process LRU in front of Redis keeps whole pages apart from what every page shares, so
a long tail of pages seen once cannot push the shared fragments out."""

from __future__ import annotations

import pytest

from catalog.storefront import cache as storefront_cache

pytestmark = pytest.mark.django_db


def test_pages_seen_once_do_not_push_out_shared_fragments(monkeypatch):
    monkeypatch.setitem(storefront_cache.LOCAL_ENTRIES, "page", 3)
    storefront_cache.clear_local()
    builds = []

    def shared():
        return storefront_cache.cached(None, "layout", "t", lambda: builds.append(1) or "L")

    shared()
    for number in range(10):
        storefront_cache.cached(None, "product", number, lambda: {"n": 1}, tier="page")
    storefront_cache.cache.clear()  # Redis forgets: only the process' own LRU can answer now
    assert shared() == "L"
    assert builds == [1]
    assert len(storefront_cache._local["page"]) == 3
