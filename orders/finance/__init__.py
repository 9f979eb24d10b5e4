"""The money side of orders: each shop's ledger, commission, settlement statements, payouts,
Stripe transfers and reconciliation, in the same rooms as an app (its models stay in
`orders.models`, where Django looks for them):

    services/   ledger (postings, balances, the event subscriptions), settlement (line refunds,
                payouts, statements), transfers (Stripe transfers and Connect onboarding),
                reconciliation (the ledgers against the payment records)
    commission  the pure commission computation from the rates frozen at payment
    views       the seller center's finance section (mounted by `orders/seller_urls.py`)
    api         Stripe's webhook and the seller's ledger, balance and statements (mounted by
                `orders/api/urls.py`)
    tasks       Celery tasks (registered from `OrdersConfig.ready()`: autodiscovery finds only
                `orders.tasks`)
    admin       the finance staff's admin (imported by `orders/admin.py`)
"""
