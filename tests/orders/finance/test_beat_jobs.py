"""The money side's Celery tasks live in `orders.finance.tasks`: workers know them, and the beat
rows an older database stored under the old module name follow them there."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from marketplace.celery import app as celery_app

pytestmark = pytest.mark.django_db

FINANCE_TASKS = [
    "orders.finance.tasks.send_transfer",
    "orders.finance.tasks.send_reversal",
    "orders.finance.tasks.send_waiting_transfers",
    "orders.finance.tasks.generate_statements",
    "orders.finance.tasks.repost_missing_ledger_rows",
]


def test_the_finance_tasks_are_registered_with_celery():
    registered = set(celery_app.tasks.keys())
    assert [name for name in FINANCE_TASKS if name not in registered] == []


def test_old_beat_rows_are_renamed_to_the_tasks_new_module():
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every_hour, _ = IntervalSchedule.objects.get_or_create(every=3600, period="seconds")
    old = PeriodicTask.objects.create(
        name="finance: an old row",
        task="orders.finance_tasks.generate_statements",
        interval=every_hour,
    )
    other = PeriodicTask.objects.create(
        name="someone else's row", task="orders.tasks.cancel_unpaid_orders", interval=every_hour
    )
    migration = importlib.import_module("orders.migrations.0005_finance_task_names")

    [rename] = migration.Migration.operations
    rename.code(apps, None)

    old.refresh_from_db()
    other.refresh_from_db()
    assert old.task == "orders.finance.tasks.generate_statements"
    assert old.task in celery_app.tasks
    assert other.task == "orders.tasks.cancel_unpaid_orders"
    assert not PeriodicTask.objects.filter(task__startswith="orders.finance_tasks.").exists()
