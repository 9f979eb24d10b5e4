"""API throttles that keep counting when Redis is down (docs/decisions/0008-redis-outage.md).

DRF's throttles keep each client's recent request times in the cache. Ours do the same in the
shared cache (Redis, so every web process counts together) and, while it is unavailable (see
`marketplace.core.cache`), in a counter of the process itself: the same rates, counted per
process. An outage therefore neither opens the API to unlimited calls nor closes it: a client may
get the rate once per web process for as long as Redis is away. That holds for reads and for the
sensitive writes alike (token login, sign-up): failing those closed would make logging in through
the API impossible during an outage, which is the failure this module exists to prevent, and
password guessing is stopped by the login lock-out, which django-axes keeps in PostgreSQL.

    REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]: AnonRateThrottle, UserRateThrottle (per client)
    a view's own:  class MyThrottle(AnonRateThrottle): scope = "signup"   (rate from the settings)
"""

from __future__ import annotations

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from rest_framework import throttling

from marketplace.core.cache import UNAVAILABLE

# One per process, shared by its threads; bounded, the oldest entries culled first.
LOCAL_COUNTS = LocMemCache("api-throttles", {"OPTIONS": {"MAX_ENTRIES": 20_000}})


def _available(cache) -> bool:
    return getattr(cache, "available", True)


class FallbackThrottleMixin:
    """Count in the shared cache; while it is unavailable, in `LOCAL_COUNTS`."""

    def allow_request(self, request, view):
        shared = caches["default"]
        if _available(shared):
            self.cache = shared
            try:
                allowed = super().allow_request(request, view)
            except UNAVAILABLE:  # a cache backend that raises instead of degrading
                allowed = None
            if allowed is not None and _available(shared):
                return allowed
        self.cache = LOCAL_COUNTS
        return super().allow_request(request, view)


class AnonRateThrottle(FallbackThrottleMixin, throttling.AnonRateThrottle):
    """Anonymous clients, by address (scope `anon`)."""


class UserRateThrottle(FallbackThrottleMixin, throttling.UserRateThrottle):
    """Signed-in users by id, anonymous clients by address (scope `user`)."""


class ScopedRateThrottle(FallbackThrottleMixin, throttling.ScopedRateThrottle):
    """The rate of the view's `throttle_scope`."""
