"""Field encryption for sensitive personal data (bank accounts, identity numbers), SPEC §4.9.

`EncryptedTextField` stores Fernet tokens (AES-128-CBC + HMAC-SHA256) and gives back plain text
in Python. Keys come from the environment variable FIELD_ENCRYPTION_KEY: one or more Fernet keys
separated by commas, the first encrypting, all decrypting (to rotate, put the new key first and
re-save the rows). Without it a key is derived from SECRET_KEY, which is fine for development
but ties the data to SECRET_KEY: set FIELD_ENCRYPTION_KEY in production.

The field cannot be searched or filtered by value; show it with `mask()` in every list.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models

PREFIX = "fernet:"


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    configured = getattr(settings, "FIELD_ENCRYPTION_KEY", None) or os.environ.get(
        "FIELD_ENCRYPTION_KEY", ""
    )
    keys = [key.strip() for key in str(configured).split(",") if key.strip()]
    if not keys:
        derived = hashlib.sha256(("field-encryption:" + settings.SECRET_KEY).encode()).digest()
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def _reset(**kwargs):
    if kwargs.get("setting") in {"FIELD_ENCRYPTION_KEY", "SECRET_KEY"}:
        _fernet.cache_clear()


setting_changed.connect(_reset)


def encrypt(value: str) -> str:
    return PREFIX + _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        return token  # a value written before the field was encrypted
    try:
        return _fernet().decrypt(token[len(PREFIX) :].encode()).decode()
    except InvalidToken as error:
        raise ValueError("Cannot decrypt the field: wrong FIELD_ENCRYPTION_KEY?") from error


class EncryptedTextField(models.TextField):
    """A text field encrypted at rest. Empty strings stay empty (so `blank=True` works)."""

    description = "Text encrypted at rest (Fernet)"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value):
        if isinstance(value, str) and value.startswith(PREFIX):
            return decrypt(value)
        return super().to_python(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


def mask(value: str | None, *, visible: int = 4, fill: str = "•") -> str:
    """`6222 0212 3456 7890` → `•••• 7890`: only the last `visible` characters are shown."""
    compact = "".join((value or "").split())
    if not compact:
        return ""
    if len(compact) <= visible:
        return fill * len(compact)
    return fill * 4 + " " + compact[-visible:]
