"""Login lock-outs: django-axes with three limits instead of one (decision 0009).

Axes records each failed login in the database (`AccessAttempt`, one row per account, address
and browser), so the lock-out holds without Redis. Within the cool-off window (`AXES_COOLOFF_TIME`)
a login is refused when any of these is reached:

- `pair`: failures for this account from this address reach `AXES_FAILURE_LIMIT` (5): someone
  guessing from one place, or the owner mistyping;
- `account`: failures for this account from any address reach `LOGIN_LOCKOUT_ACCOUNT_LIMIT`
  (10): credential stuffing spread over many addresses;
- `address`: accounts that failed from this address reach `LOGIN_LOCKOUT_ADDRESS_LIMIT` (15):
  password spraying, one or two guesses against each of many accounts.

The address rule counts accounts, not failures, so that people behind one NAT who each mistype
a few times do not close it for everyone; one user's pair lock-out does not stop a neighbour.
A successful login clears only its own account-and-address count: signing in to one's own account
must not wipe an address's or an account's record of failures. A password reset lifts the
account's lock-out (`lift_account_lock`), and the owner of an account that gets locked (pair or
account rule) is told once per lock-out (`services.notify_account_locked`).
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Q, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from marketplace.accounts import services
from marketplace.accounts.models import normalize_email

NOTIFIED_RULES = {"pair", "account"}  # the address rule locks no account of its own


def client_username(request, credentials: dict | None = None) -> str | None:
    """`AXES_USERNAME_CALLABLE`: the address as accounts compare it (case and spaces do not make
    another account to count against)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        raw = credentials.get(field)
    else:
        raw = getattr(request, "data", request.POST).get(field)
    return normalize_email(raw) or None


class LockoutHandler(AxesDatabaseHandler):
    """`AXES_HANDLER`: axes' database handler with the three rules above."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """Axes compares this with `AXES_FAILURE_LIMIT`: the pair's failures, or, when another rule
        is closer to (or past) its own limit, that rule's count shifted onto the pair's scale.
        Sets `request.lockout_rule` to the rule that locks (None when none does)."""
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        counts = recent.aggregate(
            pair=Sum("failures_since_start", filter=Q(username=username, ip_address=address)),
            account=Sum("failures_since_start", filter=Q(username=username)),
            accounts=Count("username", filter=Q(ip_address=address), distinct=True),
        )
        over = {  # how far past its limit each rule is (negative: below it)
            "pair": (counts["pair"] or 0) - settings.AXES_FAILURE_LIMIT,
            "account": (counts["account"] or 0) - settings.LOGIN_LOCKOUT_ACCOUNT_LIMIT,
            "address": counts["accounts"] - settings.LOGIN_LOCKOUT_ADDRESS_LIMIT,
        }
        if not username:
            del over["account"]  # no account named: nothing to count across addresses
        rule = max(over, key=over.__getitem__)
        request.lockout_rule = rule if over[rule] >= 0 else None
        return settings.AXES_FAILURE_LIMIT + over[rule]

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or not getattr(request, "axes_locked_out", False):
            return
        if getattr(request, "lockout_rule", None) in NOTIFIED_RULES:
            services.notify_account_locked(
                email=get_client_username(request, credentials) or "",
                ip=request.axes_ip_address,
                lock=get_cool_off(request),
            )

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """After a successful login: only this account's failures from this address."""
        attempts = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials), ip_address=request.axes_ip_address
        )
        count, _deleted = attempts.delete()
        return count


def lift_account_lock(email: str) -> None:
    """The owner proved they hold the address (a password reset): forget the failures counted
    against the account, from every address."""
    AccessAttempt.objects.filter(username=normalize_email(email)).delete()


def lockout_response(request, original_response=None, credentials=None):
    """`AXES_LOCKOUT_CALLABLE`: the page for people, the API's error shape for programs."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        message = _(
            "Too many failed sign-in attempts: signing in is paused for a while. "
            "Try again later, or reset your password."
        )
        body = {"error": {"code": "locked_out", "message": message, "fields": {}}}
        return JsonResponse(body, status=status)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=status)
