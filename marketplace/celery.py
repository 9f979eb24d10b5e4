"""The Celery application. Workers: `celery -A marketplace worker`; schedules: `celery -A
marketplace beat` (django-celery-beat's database scheduler, so staff edit them in admin).

Every task is an `OutboxTask` (marketplace.core.outbox): when the broker is down, `delay()` keeps
the call in PostgreSQL instead of raising, and a beat job sends it once Redis is back."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")

app = Celery("marketplace", task_cls="marketplace.core.outbox:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
