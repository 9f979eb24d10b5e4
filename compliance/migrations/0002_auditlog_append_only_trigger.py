"""The database itself refuses UPDATE and DELETE on the audit log (append-only, SPEC §4.9).

The model and queryset refuse them too; this trigger also stops raw SQL, other clients and
cascades. TRUNCATE (used only by test-database flushes) is not a row operation and stays possible
for the database owner.
"""

from django.db import migrations

from marketplace.core.migration_operations import append_only


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [append_only("compliance_auditlog")]
