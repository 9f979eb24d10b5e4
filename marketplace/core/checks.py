"""System checks of the shared layer (`manage.py check`, run by every management command)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning, register


@register()
def celery_visibility_timeout(app_configs, **kwargs):
    """A message may be held unacknowledged for the task time limit plus the longest retry
    countdown; a shorter visibility timeout would hand it to a second worker meanwhile."""
    from marketplace.core.tasks import RETRY_POLICY

    held = settings.CELERY_TASK_TIME_LIMIT + RETRY_POLICY["retry_backoff_max"]
    if held < settings.CELERY_VISIBILITY_TIMEOUT:
        return []
    return [
        Warning(
            f"CELERY_VISIBILITY_TIMEOUT ({settings.CELERY_VISIBILITY_TIMEOUT} s) is not longer "
            f"than CELERY_TASK_TIME_LIMIT plus the longest retry countdown ({held} s): tasks "
            "may run twice.",
            hint="Raise CELERY_VISIBILITY_TIMEOUT (docs/operations.md, 'Celery').",
            id="core.W001",
        )
    ]
