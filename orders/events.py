"""The domain events that the orders chapter publishes (DESIGN §2): a tiny explicit registry.

Higher apps (analytics, crm, aftersales, the ledger) subscribe in their `apps.py`:

    from orders import events
    events.order_paid.subscribe(handle_order_paid)     # handler(**payload), after commit

and `orders.services` publishes:

    events.order_paid.publish(order_id=..., shop_id=..., checkout_id=..., payment_id=...)

A published event reaches its handlers after the surrounding transaction commits (never for a
transaction that rolls back), each handler on its own (`robust`: one failing handler is logged and
does not stop the others). Payloads are ids and plain values, never model instances: a handler
re-reads what it needs, and a slow reaction is a Celery task it enqueues. The list of events and
their payloads is in docs/architecture.md ("Domain events"); nothing else hides in signals.
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

    def subscribe(self, handler: Callable[..., object]) -> Callable[..., object]:
        """Add `handler` (once; subscribing it again changes nothing). Usable as a decorator."""
        if handler not in self._handlers:
            self._handlers.append(handler)
        return handler

    def unsubscribe(self, handler: Callable[..., object]) -> None:
        if handler in self._handlers:
            self._handlers.remove(handler)

    @property
    def handlers(self) -> tuple[Callable[..., object], ...]:
        return tuple(self._handlers)

    def publish(self, **payload) -> None:
        """Call every handler with `payload` once the current transaction has committed."""
        missing = set(self.payload) - set(payload)
        if missing:
            raise TypeError(f"{self.name} needs {sorted(missing)}")
        for handler in list(self._handlers):
            transaction.on_commit(_runner(self.name, handler, payload), robust=True)


def _runner(name, handler, payload):
    def run():
        logger.debug("event %s -> %r", name, handler)
        handler(**payload)

    return run


ORDER_PAYLOAD = ("order_id", "order_number", "shop_id", "buyer_id", "checkout_id")

order_placed = DomainEvent(
    "orders.events.order_placed",
    ORDER_PAYLOAD,
    "An order was created (pending payment) and its stock reserved.",
)
order_paid = DomainEvent(
    "orders.events.order_paid",
    (*ORDER_PAYLOAD, "payment_id"),
    "The order's payment succeeded: stock sold, commission rates and shop type frozen.",
)
order_accepted = DomainEvent(
    "orders.events.order_accepted", ORDER_PAYLOAD, "The seller accepted the paid order."
)
order_shipped = DomainEvent(
    "orders.events.order_shipped",
    (*ORDER_PAYLOAD, "fully"),
    "Goods of the order left the shop (fully=False: a partial shipment).",
)
order_delivered = DomainEvent(
    "orders.events.order_delivered",
    ORDER_PAYLOAD,
    "The order was delivered (or receipt confirmed).",
)
order_completed = DomainEvent(
    "orders.events.order_completed",
    ORDER_PAYLOAD,
    "The return window ended: the sale is final (the ledger makes the shop's money available).",
)
order_cancelled = DomainEvent(
    "orders.events.order_cancelled",
    (*ORDER_PAYLOAD, "by", "was_paid", "refund_id"),
    "The order was cancelled (by buyer, seller, system timeout); stock released or returned; "
    "refund_id names the refund when it had been paid.",
)
payment_refunded = DomainEvent(
    "orders.events.payment_refunded",
    ("refund_id", "payment_id", "order_id", "amount", "currency"),
    "A refund went through at the payment provider.",
)

ALL_EVENTS = (
    order_placed,
    order_paid,
    order_accepted,
    order_shipped,
    order_delivered,
    order_completed,
    order_cancelled,
    payment_refunded,
)
