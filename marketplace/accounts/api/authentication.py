"""`Authorization: Token <key>` against our own API tokens (decision 0009)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from marketplace.accounts.models import ApiToken
from marketplace.accounts.tokens import api_key_digest

LAST_USED_PRECISION = timedelta(minutes=5)  # `last_used_at` is written at most this often


class TokenRejected(exceptions.APIException):
    """An unknown, expired or revoked token: a 401 with `WWW-Authenticate: Token`.

    Not an `AuthenticationFailed`, which DRF turns into a 403 because session authentication
    comes first in the settings (its scheme has no WWW-Authenticate challenge).
    """

    status_code = 401
    default_code = "authentication_failed"
    default_detail = _("Invalid token.")
    auth_header = "Token"


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's header parsing, our lookup: by the key's digest, refused once expired or when the
    user is inactive; stamps `last_used_at`. `request.auth` is the `ApiToken`."""

    model = ApiToken

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=api_key_digest(key)).first()
        if token is None or not token.user.is_active:
            raise TokenRejected()
        now = timezone.now()
        if token.expires_at <= now:
            raise TokenRejected(_("This token has expired: ask for a new one."), "token_expired")
        if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token
