"""Domain events (DESIGN §2): how a lower app tells the apps above it that something happened.

Each chapter declares its few events in its own `events.py` (e.g. `orders.events.order_paid`,
`logistics.events.parcel_delivered`) as `DomainEvent` instances; higher apps subscribe in their
`apps.py`. A published event reaches its handlers after the surrounding transaction commits
(never for one that rolls back), each on its own (`robust`: a failing handler is logged and does
not stop the others). Payloads are ids and plain values, never model instances. The list of
events is in docs/architecture.md ("Domain events"); nothing else hides in Django signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class DomainEvent:
    name: str
    payload: tuple[str, ...]
    description: str = ""
    _handlers: list[Callable[..., object]] = field(default_factory=list, repr=False)
    _batch_handlers: set = field(default_factory=set, repr=False)

    def subscribe(
        self, handler: Callable[..., object], *, batch: bool = False
    ) -> Callable[..., object]:
        """Add `handler` (once; subscribing it again changes nothing). Usable as a decorator.

        `batch=True`: the handler takes `payloads` (a list of payload dicts) and gets every
        payload of one `publish_many()` call in one call (e.g. the orders of one payment, posted
        to the ledger in one transaction); a single `publish()` reaches it as a list of one."""
        if handler not in self._handlers:
            self._handlers.append(handler)
        if batch:
            self._batch_handlers.add(handler)
        return handler

    def unsubscribe(self, handler: Callable[..., object]) -> None:
        if handler in self._handlers:
            self._handlers.remove(handler)
        self._batch_handlers.discard(handler)

    @property
    def handlers(self) -> tuple[Callable[..., object], ...]:
        return tuple(self._handlers)

    def publish(self, **payload) -> None:
        """Call every handler with `payload` once the current transaction has committed."""
        self.publish_many([payload])

    def publish_many(self, payloads: list[dict]) -> None:
        """`publish()` of several payloads (e.g. the orders of one checkout), in this order: a
        batch handler gets them all in one call, any other handler once per payload."""
        for payload in payloads:
            missing = set(self.payload) - set(payload)
            if missing:
                raise TypeError(f"{self.name} needs {sorted(missing)}")
        if not payloads:
            return
        for handler in list(self._handlers):
            if handler in self._batch_handlers:
                transaction.on_commit(
                    _batch_runner(self.name, handler, list(payloads)), robust=True
                )
            else:
                for payload in payloads:
                    transaction.on_commit(_runner(self.name, handler, payload), robust=True)


def _runner(name, handler, payload):
    def run():
        logger.debug("event %s -> %r", name, handler)
        handler(**payload)

    return run


def _batch_runner(name, handler, payloads):
    def run():
        logger.debug("event %s -> %r (%d payloads)", name, handler, len(payloads))
        handler(payloads=payloads)

    return run
