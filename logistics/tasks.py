"""Celery tasks of the logistics chapter: thin, idempotent, each calls one service.

Scheduled by django-celery-beat rows (migration 0003): staff can change them in admin.
"""

from __future__ import annotations

from celery import shared_task

from logistics import services


@shared_task(acks_late=True)
def poll_tracking() -> int:
    """Beat, every minute: ask carriers about parcels that are due (the simulated carrier moves
    each of its parcels one step). Returns how many tracking updates were recorded."""
    return services.poll_due_shipments()


@shared_task(acks_late=True)
def check_delivery_slas() -> dict:
    """Beat, every 15 minutes: alert late shipments and parcels that stopped moving."""
    return services.check_delivery_slas()
