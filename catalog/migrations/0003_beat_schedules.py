"""The catalog's scheduled jobs, as django-celery-beat rows (staff can change them in admin).

- "catalog: re-check low stock", daily at 02:30 (Asia/Shanghai): `catalog.tasks.recheck_low_stock`
  re-evaluates every SKU against its warning line in one SQL statement and alerts the crossings
  that no sale caught (e.g. a warning line raised above the current stock).

Created only when missing (by name), so staff edits survive re-running migrations.
"""

from django.db import migrations

SCHEDULES = [
    {
        "name": "catalog: re-check low stock",
        "task": "catalog.tasks.recheck_low_stock",
        "crontab": {"minute": "30", "hour": "2"},
        "description": "Alerts SKUs at or below their warning line that were not alerted yet.",
    },
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for entry in SCHEDULES:
        if PeriodicTask.objects.filter(name=entry["name"]).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=entry["crontab"]["minute"],
            hour=entry["crontab"]["hour"],
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Shanghai",
        )
        PeriodicTask.objects.create(
            name=entry["name"],
            task=entry["task"],
            crontab=crontab,
            description=entry["description"],
            enabled=True,
        )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[entry["name"] for entry in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_stock_ledger_append_only"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
