"""The domain events the shops chapter publishes (DESIGN §2), for the apps above it.

    from shops import events
    events.shop_opened.subscribe(handler)      # handler(**payload), after commit

A published event reaches its handlers after the surrounding transaction commits (never for one
that rolls back), each on its own. The list is in docs/architecture.md ("Domain events").
"""

from __future__ import annotations

from marketplace.core.events import DomainEvent

shop_opened = DomainEvent(
    "shops.events.shop_opened",
    ("shop_id", "owner_id"),
    "A shop was opened (its application approved): chapters give it their starting setup.",
)

ALL_EVENTS = (shop_opened,)
