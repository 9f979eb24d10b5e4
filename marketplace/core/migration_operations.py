"""Operations that every chapter's migrations use, so each is written once:

    from marketplace.core.migration_operations import append_only, beat_schedules

    operations = [
        append_only("catalog_stockmovement"),                       # no UPDATE, no DELETE
        append_only("orders_ledgerentry", settable_once="available_at"),
        beat_schedules(
            {"name": "orders: cancel unpaid orders", "task": "orders.tasks.cancel_unpaid_orders",
             "every_seconds": 60, "description": "..."},
            {"name": "catalog: re-check low stock", "task": "catalog.tasks.recheck_low_stock",
             "crontab": {"minute": "30", "hour": "2"}, "description": "..."},
        ),
    ]

Migrations import these by name and keep calling them for ever: change what they produce only in
a way that is right for both old and new databases.
"""

from __future__ import annotations

from django.db import migrations

BEAT_TIME_ZONE = "Asia/Shanghai"


def append_only(table: str, *, settable_once: str | None = None) -> migrations.RunSQL:
    """A trigger that makes PostgreSQL itself refuse UPDATE and DELETE on `table` (so raw SQL,
    other clients and cascades are stopped too), raising an integrity error that names the table.

    `settable_once` names a nullable column that an UPDATE may fill in once (from NULL), changing
    nothing else (the ledger's `available_at`). TRUNCATE, used only by test-database flushes, is
    not a row operation and stays possible for the owner.
    """
    function = f"{table}_append_only"
    if settable_once:
        column = settable_once
        refuse_update = f"""
    IF (to_jsonb(NEW) - '{column}') IS DISTINCT FROM (to_jsonb(OLD) - '{column}')
       OR (OLD.{column} IS NOT NULL AND NEW.{column} IS DISTINCT FROM OLD.{column})
    THEN
        RAISE EXCEPTION '{table} is append-only: only an empty {column} may be set'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;"""
    else:
        refuse_update = f"""
    RAISE EXCEPTION '{table} is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';"""
    forward = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '{table} is append-only: DELETE refused'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;{refuse_update}
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    backward = f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP FUNCTION IF EXISTS {function}();
"""
    return migrations.RunSQL(forward, backward)


def beat_schedules(*schedules: dict) -> migrations.RunPython:
    """django-celery-beat rows for a chapter's scheduled jobs, so staff can change them in admin.

    Each schedule has `name`, `task`, `description` and either `every_seconds` or `crontab`
    (`{"minute": ..., "hour": ...}`, in Asia/Shanghai time). A row is created only when no task of
    that name exists, so staff edits survive; reversing the migration removes them by name. The
    migration must depend on `("django_celery_beat", "0019_alter_periodictasks_options")`.
    """

    def create(apps, schema_editor):
        CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
        IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        for entry in schedules:
            if PeriodicTask.objects.filter(name=entry["name"]).exists():
                continue
            if "crontab" in entry:
                crontab, _ = CrontabSchedule.objects.get_or_create(
                    minute=entry["crontab"].get("minute", "*"),
                    hour=entry["crontab"].get("hour", "*"),
                    day_of_week=entry["crontab"].get("day_of_week", "*"),
                    day_of_month=entry["crontab"].get("day_of_month", "*"),
                    month_of_year=entry["crontab"].get("month_of_year", "*"),
                    timezone=BEAT_TIME_ZONE,
                )
                when = {"crontab": crontab}
            else:
                interval, _ = IntervalSchedule.objects.get_or_create(
                    every=entry["every_seconds"], period="seconds"
                )
                when = {"interval": interval}
            PeriodicTask.objects.create(
                name=entry["name"],
                task=entry["task"],
                description=entry["description"],
                enabled=True,
                **when,
            )

    def remove(apps, schema_editor):
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        PeriodicTask.objects.filter(name__in=[entry["name"] for entry in schedules]).delete()

    return migrations.RunPython(create, remove)


def rename_beat_tasks(renames: dict[str, str]) -> migrations.RunPython:
    """Point existing beat rows at a task's new name after its module moved ({old: new})."""

    def forward(apps, schema_editor):
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        for old, new in renames.items():
            PeriodicTask.objects.filter(task=old).update(task=new)

    def backward(apps, schema_editor):
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        for old, new in renames.items():
            PeriodicTask.objects.filter(task=new).update(task=old)

    return migrations.RunPython(forward, backward)
