"""`notify()`: an in-app notification plus, optionally, an e-mail sent by Celery after commit.

SPEC §4: "Alert", "remind" and "notify" mean an in-app notification in the seller center plus an
e-mail. The e-mail template gets `user`, `notification`, `link` (absolute) and any `context`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone, translation

from marketplace.core.models import Notification

DEFAULT_EMAIL_TEMPLATE = "emails/core/notification"


def notify(
    user,
    *,
    title,
    body="",
    link: str = "",
    shop_id: int | None = None,
    email_template: str | None = DEFAULT_EMAIL_TEMPLATE,
    context: dict | None = None,
) -> Notification:
    """Create the notification in the recipient's language and enqueue the e-mail on commit.

    `title` and `body` are rendered in the user's preferred language: pass lazy translations,
    or, for messages with placeholders, a function building them (`lambda: _("Hi %(name)s") %
    {...}`), since `%` on a lazy string translates at once, in the actor's language.
    `email_template=None` sends no e-mail.
    """
    with translation.override(user.preferred_language or translation.get_language()):
        title = title() if callable(title) else title
        body = body() if callable(body) else body
        notification = Notification.objects.create(
            user=user, shop_id=shop_id, title=str(title)[:200], body=str(body), link=link
        )
    if email_template:
        from marketplace.core import tasks

        notification_id = notification.pk
        extra = dict(context or {})
        transaction.on_commit(
            lambda: tasks.send_notification_email.delay(notification_id, email_template, extra)
        )
    return notification


@dataclass(frozen=True)
class Notice:
    """One notification for `notify_many` (the arguments of `notify`)."""

    user: object
    title: object
    body: object = ""
    link: str = ""
    shop_id: int | None = None
    email_template: str | None = DEFAULT_EMAIL_TEMPLATE
    context: dict = field(default_factory=dict)


def notify_many(notices: list[Notice]) -> list[Notification]:
    """`notify` for several recipients at once: one INSERT of every notification (each in its
    recipient's language) and, on commit, one e-mail task for the notifications that share an
    e-mail template and context (`send_notification_emails`: read in one query)."""
    notifications = []
    for notice in notices:
        user = notice.user
        with translation.override(user.preferred_language or translation.get_language()):
            title = notice.title() if callable(notice.title) else notice.title
            body = notice.body() if callable(notice.body) else notice.body
            notifications.append(
                Notification(
                    user=user,
                    shop_id=notice.shop_id,
                    title=str(title)[:200],
                    body=str(body),
                    link=notice.link,
                )
            )
    if not notifications:
        return []
    Notification.objects.bulk_create(notifications)
    # One e-mail task per template and context (usually one for them all), on commit.
    batches: dict[tuple, tuple[str, dict, list[int]]] = {}
    for notification, notice in zip(notifications, notices, strict=True):
        if notice.email_template:
            key = (notice.email_template, repr(sorted(notice.context.items())))
            batches.setdefault(key, (notice.email_template, dict(notice.context), []))[2].append(
                notification.pk
            )
    if batches:
        from marketplace.core import tasks

        def send():
            for template, extra, ids in batches.values():
                tasks.send_notification_emails.delay(ids, template, extra)

        transaction.on_commit(send)
    return notifications


def mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one notification (or all when no id is given) of `user` as read; returns the count."""
    queryset = Notification.objects.for_user(user).unread()
    if notification_id is not None:
        queryset = queryset.filter(pk=notification_id)
    return queryset.update(read_at=timezone.now())


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.for_user(user).unread().count()
