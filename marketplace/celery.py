"""The Celery application. Workers: `celery -A marketplace worker`; schedules: `celery -A
marketplace beat` (django-celery-beat's database scheduler, so staff edit them in admin)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
