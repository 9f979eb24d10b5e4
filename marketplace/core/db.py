"""A bounded retry of a whole transaction that PostgreSQL gave up on (deadlock, serialization).

    from marketplace.core.db import retry_on_deadlock

    @retry_on_deadlock                    # or @retry_on_deadlock(attempts=3)
    def handle_payment_event(event):      # an OUTERMOST service entry point
        with transaction.atomic():
            ...

Every path that locks rows follows one lock order (docs/architecture.md, "Lock order"), so a
deadlock should not happen; when PostgreSQL still aborts a transaction with "deadlock detected"
(SQLSTATE 40P01) or "could not serialize access" (40001), the transaction has been rolled back
whole and running it again is the right answer, not a 500. The decorated function is called
again, up to `attempts` times in all, after a short random pause; the last failure is raised.

Only at the service boundary: when the function is called inside a transaction that is already
open (a caller's `atomic()`, a test's transaction), nothing is retried, since that outer
transaction is aborted too and only its owner can start it again. The decorated function must
therefore do its database work in its own `atomic()` and call the outside world (providers,
Celery) only after commit, as services here do: a rolled-back attempt leaves nothing behind
(`on_commit` callbacks of a rolled-back transaction never run).

`retries` counts the retries made in this process (per function), for tests and figures.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
import time
from collections import Counter

from django.db import DEFAULT_DB_ALIAS, OperationalError, transaction

logger = logging.getLogger(__name__)

RETRYABLE_CODES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
DEFAULT_ATTEMPTS = 3


class RetryCounter:
    """Retries made so far in this process, by function (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1

    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def by_function(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)


retries = RetryCounter()


def is_retryable(error: BaseException) -> bool:
    """A deadlock or serialization failure: the whole transaction was rolled back."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__ or error.__context__
    return getattr(cause, "pgcode", None) in RETRYABLE_CODES


def retry_on_deadlock(function=None, *, attempts: int = DEFAULT_ATTEMPTS, using=DEFAULT_DB_ALIAS):
    """See the module docstring. `@retry_on_deadlock` or `@retry_on_deadlock(attempts=...)`."""

    def decorate(func):
        name = f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if transaction.get_connection(using).in_atomic_block:
                return func(*args, **kwargs)  # inside someone's transaction: theirs to retry
            for attempt in range(1, attempts + 1):
                try:
                    return func(*args, **kwargs)
                except OperationalError as error:
                    if attempt >= attempts or not is_retryable(error):
                        raise
                    retries.add(name)
                    logger.warning(
                        "%s: %s (attempt %d of %d), retrying",
                        name,
                        str(error).splitlines()[0],
                        attempt,
                        attempts,
                    )
                    time.sleep(random.uniform(0.005, 0.05) * attempt)  # noqa: S311 - jitter
            raise AssertionError("unreachable")  # pragma: no cover

        return wrapper

    return decorate(function) if function is not None else decorate
