"""No task is lost when the broker is down: it waits in PostgreSQL until Redis answers again.

Every task of the project is an `OutboxTask` (marketplace/celery.py makes it the app's task
class), so `delay()` and `apply_async()` everywhere — after commit in the services, in event
handlers, from beat, on a retry — behave the same way: when the broker cannot be reached, the
call is stored as a `PendingTask` row instead of raising, and the caller carries on (the order is
placed, the page answers). The beat job "core: send tasks that waited for the broker" runs
`flush_pending_tasks` every minute on a worker, which by then reaches the broker, and sends them.

- The same call (task, arguments) is kept once: tasks take ids and are idempotent, so one run
  after the outage does what several would.
- After a failure the process does not try the broker again for `RETRY_SECONDS`: calls go
  straight to the table, so an outage costs each request one failed attempt at most (kombu's
  publish retries take ~0.6 s), not one per task.
- A task sent later than planned runs later, never earlier: a countdown counts from the moment
  it is finally sent.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid

from celery import Task
from kombu.exceptions import OperationalError
from redis import exceptions as redis_errors

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
FLUSH_BATCH = 500
BROKER_UNAVAILABLE = (
    OperationalError,  # kombu: the broker refused or dropped the connection
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    OSError,
)
# The sending options worth keeping (JSON-friendly); the rest are the producer's business.
KEPT_OPTIONS = ("countdown", "eta", "queue", "routing_key", "priority", "retries")

_broker_down_until = 0.0


def broker_believed_down() -> bool:
    return time.monotonic() < _broker_down_until


def _mark_broker_down() -> None:
    global _broker_down_until
    _broker_down_until = time.monotonic() + RETRY_SECONDS


def call_digest(name: str, args, kwargs) -> str:
    call = json.dumps([name, list(args or ()), kwargs or {}], sort_keys=True, default=str)
    return hashlib.sha256(call.encode()).hexdigest()


def _kept_options(options: dict) -> dict:
    kept = {}
    for name in KEPT_OPTIONS:
        value = options.get(name)
        if value is None:
            continue
        if name == "eta" and hasattr(value, "isoformat"):
            value = value.isoformat()
        if name == "queue" and not isinstance(value, str):
            value = getattr(value, "name", None)
        if value is not None:
            kept[name] = value
    return kept


def keep(name: str, args, kwargs, options: dict, *, error: str) -> None:
    """Store one call for later (once per distinct call)."""
    from marketplace.core.models import PendingTask

    PendingTask.objects.bulk_create(
        [
            PendingTask(
                task=name,
                args=list(args or ()),
                kwargs=dict(kwargs or {}),
                options=_kept_options(options),
                digest=call_digest(name, args, kwargs),
                error=error[:300],
            )
        ],
        ignore_conflicts=True,
    )


class OutboxTask(Task):
    """Celery's Task, whose `apply_async` keeps the call in PostgreSQL when the broker is down."""

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, **options):
        if self.app.conf.task_always_eager:
            return super().apply_async(args, kwargs, task_id, producer, **options)
        if not broker_believed_down():
            try:
                return super().apply_async(args, kwargs, task_id, producer, **options)
            except BROKER_UNAVAILABLE as error:
                _mark_broker_down()
                reason = f"{error.__class__.__name__}: {error}"
                log.warning("broker unavailable; %s waits in the database (%s)", self.name, reason)
        else:
            reason = "broker unavailable (recent failure)"
        keep(self.name, args, kwargs, options, error=reason)
        return self.AsyncResult(task_id or str(uuid.uuid4()))

    def publish(self, args=None, kwargs=None, **options):
        """Send to the broker, raising when it is down (what `flush_pending_tasks` needs)."""
        return super().apply_async(args, kwargs, **options)


def flush_pending_tasks(limit: int = FLUSH_BATCH) -> int:
    """Send the tasks that waited (oldest first, at most `limit`); returns how many were sent.

    Rows are locked with SKIP LOCKED, so two runs at once send disjoint rows. A row is deleted
    only once its message is with the broker; if the broker fails half-way, the rest stay.
    """
    from django.db import transaction

    from marketplace.celery import app
    from marketplace.core.models import PendingTask

    sent: list[int] = []
    with transaction.atomic():
        rows = list(PendingTask.objects.select_for_update(skip_locked=True).order_by("id")[:limit])
        for row in rows:
            options = dict(row.options)
            task = app.tasks.get(row.task)
            try:
                if isinstance(task, OutboxTask):
                    task.publish(row.args, row.kwargs, **options)
                else:
                    app.send_task(row.task, args=row.args, kwargs=row.kwargs, **options)
            except BROKER_UNAVAILABLE as error:
                waiting = len(rows) - len(sent)
                log.warning("broker still unavailable; %s tasks keep waiting (%s)", waiting, error)
                break
            sent.append(row.pk)
        PendingTask.objects.filter(pk__in=sent).delete()
    if sent:
        log.info("sent %s tasks that waited for the broker", len(sent))
    return len(sent)
