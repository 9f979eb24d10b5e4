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

from marketplace.core.events import DomainEvent

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
