"""Tasks enqueued while the broker is down are not lost: they wait in PostgreSQL and the beat job
sends them once Redis answers again (marketplace.core.outbox)."""

import importlib
import time

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from marketplace.accounts import services as accounts
from marketplace.celery import app
from marketplace.core import outbox, tasks
from marketplace.core.models import PendingTask

pytestmark = pytest.mark.django_db


def queued(broker) -> int:
    return broker.client().llen("celery")


def test_a_task_enqueued_while_the_broker_is_down_waits_and_is_sent_later(redis_broker):
    tasks.send_notification_email.delay(1, "emails/x")
    assert queued(redis_broker) == 1  # the broker works: straight to the queue
    redis_broker.stop()

    started = time.monotonic()
    tasks.send_notification_email.delay(2, "emails/x")
    tasks.send_notification_email.delay(2, "emails/x")  # the same call again: kept once
    tasks.send_notification_email.delay(3, "emails/x", {"n": 1})
    took = time.monotonic() - started

    assert took < 5
    waiting = PendingTask.objects.order_by("id")
    assert [(row.task, row.args) for row in waiting] == [
        ("marketplace.core.tasks.send_notification_email", [2, "emails/x"]),
        ("marketplace.core.tasks.send_notification_email", [3, "emails/x", {"n": 1}]),
    ]

    redis_broker.start()
    before = queued(redis_broker)  # what Redis kept of its queue across the restart
    assert tasks.send_pending_tasks.apply().result == 2  # the beat job, as a worker runs it

    assert PendingTask.objects.count() == 0
    assert queued(redis_broker) == before + 2


def test_what_a_service_enqueues_after_commit_survives_a_broker_outage(
    redis_broker, django_capture_on_commit_callbacks
):
    redis_broker.stop()

    with django_capture_on_commit_callbacks(execute=True):
        result = accounts.register_user(email="late@example.com", password="a-long-passphrase-1")

    assert result.user is not None
    [waiting] = PendingTask.objects.all()
    assert waiting.task == "marketplace.accounts.tasks.send_verification_email"
    assert waiting.args == [result.user.pk]


def test_flushing_while_the_broker_is_still_down_keeps_every_task(redis_broker):
    redis_broker.stop()
    tasks.send_notification_email.delay(4, "emails/x")

    assert outbox.flush_pending_tasks() == 0

    assert PendingTask.objects.count() == 1


def test_a_countdown_is_kept_for_when_the_task_is_finally_sent(redis_broker):
    redis_broker.stop()
    tasks.send_notification_email.apply_async((5, "emails/x"), countdown=30, queue="mail")

    [waiting] = PendingTask.objects.all()
    assert waiting.options == {"countdown": 30, "queue": "mail"}


def test_the_beat_job_that_sends_waiting_tasks_is_scheduled_every_minute():
    """The migration's own function, run again (a transactional test may have flushed the table),
    twice: it is idempotent."""
    migration = importlib.import_module("marketplace.core.migrations.0002_pending_task")
    create = migration.Migration.operations[-1].code  # beat_schedules' forward function
    create(apps, None)
    create(apps, None)

    job = PeriodicTask.objects.get(name="core: send tasks that waited for the broker")

    assert job.enabled and job.interval.every == 60 and job.interval.period == "seconds"
    assert job.task in app.tasks
