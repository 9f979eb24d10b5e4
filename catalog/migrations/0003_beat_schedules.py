"""The catalog's scheduled jobs, as django-celery-beat rows (staff can change them in admin).

- "catalog: re-check low stock", daily at 02:30 (Asia/Shanghai): `catalog.tasks.recheck_low_stock`
  re-evaluates every SKU against its warning line in one SQL statement and alerts the crossings
  that no sale caught (e.g. a warning line raised above the current stock).

Created only when missing (by name), so staff edits survive re-running migrations.
"""

from django.db import migrations

from marketplace.core.migration_operations import beat_schedules

SCHEDULES = [
    {
        "name": "catalog: re-check low stock",
        "task": "catalog.tasks.recheck_low_stock",
        "crontab": {"minute": "30", "hour": "2"},
        "description": "Alerts SKUs at or below their warning line that were not alerted yet.",
    },
]


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_stock_ledger_append_only"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [beat_schedules(*SCHEDULES)]
