"""Rendering and sending templated e-mails in the recipient's language.

Callers are Celery tasks (DESIGN §6: e-mail is slow work, enqueued on commit); each template
prefix has `<prefix>_subject.txt` and `<prefix>.txt`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_templated_mail(*, template: str, context: dict, to: list[str], language: str = "") -> int:
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    message = EmailMessage(subject=subject, body=body, to=to)
    return message.send()


class ReadableConsoleBackend(ConsoleEmailBackend):
    """`make run`'s e-mail backend: each message as a block a person can read among the
    worker's lines (who, subject, the text with its links), instead of the raw MIME message
    that Django's console backend prints (base64 for Chinese text)."""

    RULE = "=" * 78

    def write_message(self, message):
        lines = [
            "",
            self.RULE,
            f" E-MAIL  to {', '.join(message.to)}",
            f"         subject: {message.subject}",
            self.RULE,
            str(message.body).rstrip(),
            self.RULE,
            "",
        ]
        self.stream.write("\n".join(lines) + "\n")
