"""Every write of the money side, split by sub-domain (see each module's docstring):
`ledger`, `settlement`, `transfers`, `reconciliation`. Import the module, not names from here:
`from orders.finance.services import ledger`."""
