"""The database refuses UPDATE and DELETE on the stock ledger (stock == Σ movements, always).

The model and its queryset refuse them too; the trigger also stops raw SQL and other clients.
TRUNCATE (test-database flushes) is not a row operation and stays possible for the owner.
"""

from django.db import migrations

from marketplace.core.migration_operations import append_only


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [append_only("catalog_stockmovement")]
