"""Celery tasks of the money side of orders: thin, idempotent, by id; each calls one service.

Celery's autodiscovery finds only `orders.tasks`, so `OrdersConfig.ready()` imports this module
(through `orders.finance.services.ledger.connect()`), and workers know these tasks too.
"""

from __future__ import annotations

from celery import shared_task

RETRY = {"autoretry_for": (ConnectionError, TimeoutError), "retry_backoff": True, "max_retries": 5}


@shared_task(acks_late=True, **RETRY)
def send_transfer(transfer_id: int) -> str:
    """After a Stripe payment succeeded: the shop order's transfer to its connected account."""
    from orders.finance.services import transfers

    transfer = transfers.send_transfer(transfer_id)
    return transfer.state if transfer else "missing"


@shared_task(acks_late=True, **RETRY)
def send_reversal(reversal_id: int) -> str:
    """After a refund: take the shop's part back from its transfer."""
    from orders.finance.services import transfers

    reversal = transfers.send_reversal(reversal_id)
    return reversal.state if reversal else "missing"


@shared_task(acks_late=True)
def send_waiting_transfers() -> int:
    """Beat, hourly: held transfers of shops that connected Stripe, failed and stuck ones."""
    from orders.finance.services import transfers

    return transfers.send_waiting_transfers()


@shared_task(acks_late=True)
def generate_statements() -> int:
    """Beat: each shop's settlement statement for the last ended period (made once)."""
    from orders.finance.services import settlement

    return settlement.generate_statements()


@shared_task(acks_late=True)
def repost_missing_ledger_rows() -> int:
    """Repair: post paid orders and refunds whose ledger rows are missing (idempotent)."""
    from orders.finance.services import ledger

    return ledger.repost_missing()
