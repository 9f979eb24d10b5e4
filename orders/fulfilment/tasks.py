"""Celery tasks of fulfilment: thin, idempotent, each calls one service.

`check_delivery_slas` is a beat job (the row "logistics: delivery SLA checks", created by
logistics' migration 0003 and pointed here by its migration 0004): staff can change it in admin.
"""

from __future__ import annotations

from celery import shared_task

from orders.fulfilment import services


@shared_task
def check_delivery_slas() -> dict:
    """Beat, every 15 minutes: alert orders not shipped in time and parcels that stopped moving."""
    return services.check_delivery_slas()
