"""Django admin of the orders chapter. The money side (ledgers, statements, transfers, payouts,
reconciliation) is in `orders.admin_finance`."""

from orders import admin_finance  # noqa: F401 - registers the money side's admin
