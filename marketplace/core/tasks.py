"""Celery tasks of the shared layer, and the one retry policy every chapter's tasks use.

    from marketplace.core.tasks import retrying_task

    @retrying_task
    def send_transfer(transfer_id: int) -> str:      # takes ids, re-reads, is idempotent
        ...

A `retrying_task` is retried with exponential backoff (and jitter), up to five times, when it
fails on something transient: the network, a provider that timed out (`OSError`, which covers
`ConnectionError` and `TimeoutError`; adapters raise those for their providers' outages), or
Redis. Every task is `acks_late` with rejection on a lost worker (the settings' defaults), so a
task that dies mid-way is delivered again: that is why tasks must be idempotent. Beat jobs that
run again on their own anyway use plain `shared_task`.
"""

from celery import shared_task
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from marketplace.core.mail import absolute_url, send_templated_mail
from marketplace.core.models import Notification

TRANSIENT_ERRORS = (OSError, RedisConnectionError, RedisTimeoutError)

RETRY_POLICY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    # The longest countdown between two tries; the broker's visibility timeout (settings, 900 s)
    # must exceed it plus the task time limit, or a waiting retry would be delivered twice.
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


def retrying_task(func=None, **options):
    """`shared_task` with the retry policy; `@retrying_task` or `@retrying_task(bind=True, ...)`."""
    decorator = shared_task(**{**RETRY_POLICY, **options})
    return decorator(func) if func is not None else decorator


def _email(notification, template: str, context: dict | None) -> bool:
    """The e-mail of one notification, in its user's language; False for an inactive user."""
    user = notification.user
    if not user.is_active:
        return False
    link = absolute_url(notification.link) if notification.link.startswith("/") else ""
    send_templated_mail(
        template=template,
        context={"user": user, "notification": notification, "link": link, **(context or {})},
        to=[user.email],
        language=user.preferred_language,
    )
    return True


@retrying_task
def send_notification_email(notification_id: int, template: str, context: dict | None = None):
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    return notification is not None and _email(notification, template, context)


@retrying_task
def send_notification_emails(
    notification_ids: list[int], template: str, context: dict | None = None
) -> int:
    """`send_notification_email` of several notifications (one `notify_many`), read in one query;
    returns how many were sent. A retry after a partial failure sends the rest again too (as a
    retried single e-mail would); notifications are not e-mailed twice otherwise."""
    notifications = Notification.objects.select_related("user").filter(pk__in=notification_ids)
    return sum(_email(n, template, context) for n in notifications.order_by("pk"))


@shared_task
def send_pending_tasks() -> int:
    """Beat, every minute: send the tasks that waited in the database while the broker was down
    (`marketplace.core.outbox`)."""
    from marketplace.core.outbox import flush_pending_tasks

    return flush_pending_tasks()
