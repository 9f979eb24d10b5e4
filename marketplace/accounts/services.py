"""Writes for accounts: sign-up, e-mail verification, profile, address book and API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.accounts import tasks
from marketplace.accounts.models import (
    Address,
    ApiToken,
    PolicyAcceptance,
    User,
    normalize_email,
)
from marketplace.accounts.tokens import (
    API_KEY_PREFIX_LENGTH,
    VerificationLinkError,
    api_key_digest,
    new_api_key,
    read_verification_token,
)
from marketplace.core.errors import DomainError


@dataclass(frozen=True)
class SignUpResult:
    user: User | None  # None when the address already had an account (the caller must not say)


@transaction.atomic
def register_user(
    *, email: str, password: str, display_name: str = "", language: str = "", ip: str | None = None
) -> SignUpResult:
    """Create an unverified account and send the verification link.

    If the address already has an account, nothing is created: its owner gets an e-mail saying
    so, and the caller shows the same "check your inbox" answer, so sign-up does not reveal which
    addresses are registered. Nor does its timing: the password is hashed on both paths (the
    hash dominates the time; decision 0009), and both enqueue one e-mail.
    """
    email = normalize_email(email)
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        make_password(password)  # the work a new account costs, thrown away
        transaction.on_commit(lambda: tasks.send_already_registered_email.delay(existing.pk))
        return SignUpResult(user=None)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                display_name=display_name.strip(),
                preferred_language=language if language in dict(settings.LANGUAGES) else "",
            )
    except IntegrityError:  # a concurrent sign-up with the same address won the race
        return SignUpResult(user=None)
    now = timezone.now()
    PolicyAcceptance.objects.bulk_create(
        [
            PolicyAcceptance(
                user=user, document=document, version=version, accepted_at=now, ip_address=ip
            )
            for document, version in settings.LEGAL_DOCUMENTS.items()
        ]
    )
    transaction.on_commit(lambda: tasks.send_verification_email.delay(user.pk))
    return SignUpResult(user=user)


def resend_verification(*, email: str) -> None:
    """Send a fresh link if the address has an unverified account; silent otherwise. The task
    looks the address up, so this does the same work for every address (decision 0009)."""
    email = normalize_email(email)
    transaction.on_commit(lambda: tasks.send_verification_email_to_address.delay(email))


def request_password_reset(*, email: str) -> None:
    """Mail a reset link if the address has an active account; silent otherwise. As above, the
    task looks the address up, so the request does the same work for every address."""
    email = normalize_email(email)
    transaction.on_commit(lambda: tasks.send_password_reset_email.delay(email))


@transaction.atomic
def verify_email(*, token: str) -> User:
    try:
        payload = read_verification_token(token)
    except VerificationLinkError as exc:
        if exc.reason == "expired":
            raise DomainError(
                _("This verification link has expired. Ask for a new one below."), code="expired"
            ) from exc
        raise DomainError(_("This verification link is not valid."), code="invalid") from exc
    user = User.objects.select_for_update().filter(pk=payload["u"], email=payload["e"]).first()
    if user is None:
        raise DomainError(_("This verification link is not valid."), code="invalid")
    if user.email_verified_at is not None:
        raise DomainError(
            _("This link was already used: your address is verified, you can sign in."),
            code="used",
        )
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return user


def update_profile(*, user: User, **fields) -> User:
    allowed = {"display_name", "phone", "preferred_language", "time_zone"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(_("Unknown profile field."), field=sorted(unknown)[0])
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(fields))
    return user


ADDRESS_FIELDS = ("recipient", "phone", "province", "city", "district", "detail", "postcode")


@transaction.atomic
def save_address(
    *, user: User, address: Address | None = None, is_default: bool = False, **fields
) -> Address:
    """Create or update an address. The first address, or one marked default, becomes the
    default; the previous default is unset in the same transaction."""
    address = address or Address(user=user)
    if address.user_id != user.pk:
        raise DomainError(_("Address not found."), code="not_found")
    for name in ADDRESS_FIELDS:
        if name in fields:
            setattr(address, name, fields[name])
    other_defaults = user.addresses.select_for_update().filter(is_default=True)
    if address.pk:
        other_defaults = other_defaults.exclude(pk=address.pk)
    make_default = is_default or not other_defaults.exists()
    if make_default:
        other_defaults.update(is_default=False)
    address.is_default = make_default
    address.full_clean()
    address.save()
    return address


@transaction.atomic
def set_default_address(*, user: User, address: Address) -> Address:
    user.addresses.select_for_update().filter(is_default=True).exclude(pk=address.pk).update(
        is_default=False
    )
    address.is_default = True
    address.save(update_fields=["is_default", "updated_at"])
    return address


@transaction.atomic
def delete_address(*, user: User, address: Address) -> None:
    was_default = address.is_default
    address.delete()
    if was_default:
        successor = user.addresses.order_by("-updated_at").first()
        if successor is not None:
            successor.is_default = True
            successor.save(update_fields=["is_default"])


def notify_account_locked(*, email: str, ip: str | None, lock: timedelta) -> bool:
    """Sign-in to an account was paused for `lock` (`marketplace.accounts.lockout`): e-mail its
    owner, once per lock-out. The claim is one conditional UPDATE, so concurrent failures that
    both see the lock-out send one notice; a notice sent less than `lock` ago covers this one."""
    now = timezone.now()
    user_id = (
        User.objects.filter(email=normalize_email(email), is_active=True)
        .values_list("pk", flat=True)
        .first()
    )
    if user_id is None:
        return False  # nobody to tell: the address has no account
    claimed = (
        User.objects.filter(pk=user_id)
        .filter(Q(lockout_notified_at__isnull=True) | Q(lockout_notified_at__lte=now - lock))
        .update(lockout_notified_at=now)
    )
    if claimed:
        minutes = max(1, round(lock.total_seconds() / 60))
        transaction.on_commit(lambda: tasks.send_lockout_notice.delay(user_id, ip, minutes))
    return bool(claimed)


# --- API tokens (decision 0009) -----------------------------------------------------------------
MAX_API_TOKENS_PER_USER = 100  # a script that asks for a token on every run must reuse one


@transaction.atomic
def issue_api_token(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`, just authenticated by the caller; returns it and its key, which is
    shown once and never stored. It expires after `API_TOKEN_TTL_DAYS`.

    The user's row is locked and must still hold the password that was checked: a password
    change racing with this either commits first (then this refuses) or waits and revokes the
    new token with the others (`User.save`).
    """
    locked = User.objects.select_for_update().filter(pk=user.pk).first()
    if locked is None or not locked.is_active or locked.password != user.password:
        raise DomainError(
            _("The e-mail address or password is not correct."), code="invalid_credentials"
        )
    now = timezone.now()
    locked.api_tokens.filter(expires_at__lte=now).delete()
    if locked.api_tokens.count() >= MAX_API_TOKENS_PER_USER:
        raise DomainError(
            _("You have too many API tokens: revoke some you no longer use first."),
            code="too_many_tokens",
        )
    key = new_api_key()
    token = ApiToken.objects.create(
        user=locked,
        name=name.strip() or "API",
        prefix=key[:API_KEY_PREFIX_LENGTH],
        digest=api_key_digest(key),
        created_at=now,
        expires_at=now + timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    return token, key


def revoke_api_token(*, user: User, token: ApiToken) -> None:
    """The owner revokes one of their tokens; it stops working at once."""
    if token.user_id != user.pk:
        raise DomainError(_("Token not found."), code="not_found")
    token.delete()
