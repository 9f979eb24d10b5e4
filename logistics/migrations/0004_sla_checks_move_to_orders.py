"""The beat row "logistics: delivery SLA checks" runs `orders.fulfilment.tasks.check_delivery_slas`:
whether an order shipped in time is an orders rule, so the task moved there (it still alerts
parcels that stopped moving through `logistics.services.alert_stalled_parcels`). The row keeps
its name, schedule and any edit staff made; only the task it names changes."""

from django.db import migrations

from marketplace.core.migration_operations import rename_beat_tasks


class Migration(migrations.Migration):
    dependencies = [
        ("logistics", "0003_beat_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        rename_beat_tasks(
            {"logistics.tasks.check_delivery_slas": "orders.fulfilment.tasks.check_delivery_slas"}
        )
    ]
