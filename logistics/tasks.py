"""Celery tasks of the logistics chapter: thin, idempotent, each calls one service.

Scheduled by django-celery-beat rows (migration 0003): staff can change them in admin. The
delivery SLA checks' row runs the orders chapter's `orders.fulfilment.tasks.check_delivery_slas`
(migration 0004), which alerts late orders there and stalled parcels here.
"""

from __future__ import annotations

from celery import shared_task

from logistics import services


@shared_task
def poll_tracking() -> int:
    """Beat, every minute: ask carriers about parcels that are due (the simulated carrier moves
    each of its parcels one step). Returns how many tracking updates were recorded."""
    return services.poll_due_shipments()
