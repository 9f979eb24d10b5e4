"""Celery tasks of the shared layer. They take ids and re-read, so a retry sends current data."""

from celery import shared_task

from marketplace.core.mail import absolute_url, send_templated_mail
from marketplace.core.models import Notification

RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY)
def send_notification_email(notification_id: int, template: str, context: dict | None = None):
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or not notification.user.is_active:
        return False
    user = notification.user
    link = absolute_url(notification.link) if notification.link.startswith("/") else ""
    send_templated_mail(
        template=template,
        context={"user": user, "notification": notification, "link": link, **(context or {})},
        to=[user.email],
        language=user.preferred_language,
    )
    return True
