"""Celery tasks of the money side of orders: thin, idempotent, by id; each calls one service.

Celery's autodiscovery finds only `orders.tasks`, so `OrdersConfig.ready()` imports this module
(through `orders.finance.services.ledger.connect()`), and workers know these tasks too.
"""

from __future__ import annotations

from celery import shared_task

from marketplace.core.tasks import retrying_task
from orders.finance.services import ledger, settlement, transfers


@retrying_task
def send_transfer(transfer_id: int) -> str:
    """After a Stripe payment succeeded: the shop order's transfer to its connected account."""
    transfer = transfers.send_transfer(transfer_id)
    return transfer.state if transfer else "missing"


@retrying_task
def send_reversal(reversal_id: int) -> str:
    """After a refund: take the shop's part back from its transfer."""
    reversal = transfers.send_reversal(reversal_id)
    return reversal.state if reversal else "missing"


@shared_task
def send_waiting_transfers() -> int:
    """Beat, hourly: held transfers of shops that connected Stripe, failed and stuck ones."""
    return transfers.send_waiting_transfers()


@shared_task
def generate_statements() -> int:
    """Beat: each shop's settlement statement for the last ended period (made once)."""
    return settlement.generate_statements()


@shared_task
def repost_missing_ledger_rows() -> int:
    """Repair: post paid orders and refunds whose ledger rows are missing (idempotent)."""
    return ledger.repost_missing()
