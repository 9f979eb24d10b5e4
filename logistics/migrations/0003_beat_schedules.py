"""The logistics chapter's scheduled jobs, as django-celery-beat rows (staff can change them in
admin).

- "logistics: poll tracking", every minute: `logistics.tasks.poll_tracking` asks carriers about
  parcels that are due; the simulated carrier moves each of its parcels one step.
- "logistics: delivery SLA checks", every 15 minutes: `logistics.tasks.check_delivery_slas`
  alerts shops of paid orders not shipped within LOGISTICS_SHIP_WITHIN_HOURS and of parcels
  without a tracking update for LOGISTICS_TRACKING_STALL_HOURS, and tells their buyers.

Both are idempotent (alerts are unique per order or stall; polls check the parcel's next poll
time under a row lock). Created only when missing (by name), so staff edits survive.
"""

from django.db import migrations

from marketplace.core.migration_operations import beat_schedules

SCHEDULES = [
    {
        "name": "logistics: poll tracking",
        "task": "logistics.tasks.poll_tracking",
        "every_seconds": 60,
        "description": "Polls carriers for parcels that are due; moves simulated parcels.",
    },
    {
        "name": "logistics: delivery SLA checks",
        "task": "logistics.tasks.check_delivery_slas",
        "every_seconds": 15 * 60,
        "description": "Alerts late shipments and parcels without a recent tracking update.",
    },
]


class Migration(migrations.Migration):
    dependencies = [
        ("logistics", "0002_shipments_tracking_alerts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [beat_schedules(*SCHEDULES)]
