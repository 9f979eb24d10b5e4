"""Signed, expiring e-mail verification links, and the keys of API tokens."""

from __future__ import annotations

import hashlib
import secrets

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


API_KEY_PREFIX_LENGTH = 8  # stored and shown, to tell a user's keys apart


def new_api_key() -> str:
    """A random API key: 32 bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def api_key_digest(key: str) -> str:
    """What is stored of a key: its SHA-256, enough for a random 256-bit key (no slow hash)."""
    return hashlib.sha256(key.encode()).hexdigest()
