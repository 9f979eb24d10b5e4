"""Signed, expiring e-mail verification links."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

SALT = "accounts.email-verification"


class VerificationLinkError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "expired" or "invalid"


def make_verification_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=SALT, compress=True)


def read_verification_token(token: str) -> dict:
    try:
        return signing.loads(token, salt=SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise VerificationLinkError("expired") from exc
    except signing.BadSignature as exc:
        raise VerificationLinkError("invalid") from exc
