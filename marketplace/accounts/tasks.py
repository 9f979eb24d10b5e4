"""E-mails about accounts. Tasks take ids and re-read the user, so a retry sends current data."""

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from marketplace.accounts.models import User, normalize_email
from marketplace.accounts.tokens import make_verification_token
from marketplace.core.mail import absolute_url, send_templated_mail
from marketplace.core.tasks import retrying_task


@retrying_task
def send_verification_email(user_id: int) -> bool:
    return _send_verification(User.objects.filter(pk=user_id, email_verified_at__isnull=True))


@retrying_task
def send_verification_email_to_address(email: str) -> bool:
    """For "send me a new link": the address is looked up here, not in the request, so that the
    request does the same work whether or not the address has an account (decision 0009)."""
    unverified = User.objects.filter(email=normalize_email(email), email_verified_at__isnull=True)
    return _send_verification(unverified)


def _send_verification(unverified) -> bool:
    user = unverified.first()
    if user is None:
        return False  # verified meanwhile, gone, or never there: nothing to send
    link = absolute_url(reverse("accounts:verify-email", args=[make_verification_token(user)]))
    send_templated_mail(
        template="emails/accounts/verify_email",
        context={"user": user, "link": link},
        to=[user.email],
        language=user.preferred_language,
    )
    return True


@retrying_task
def send_already_registered_email(user_id: int) -> bool:
    """Someone signed up with an address that has an account: tell its owner, not the visitor."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    send_templated_mail(
        template="emails/accounts/already_registered",
        context={
            "user": user,
            "login_link": absolute_url(reverse("accounts:login")),
            "reset_link": absolute_url(reverse("accounts:password-reset")),
        },
        to=[user.email],
        language=user.preferred_language,
    )
    return True


@retrying_task
def send_password_reset_email(email: str) -> bool:
    """The address is looked up here, not in the request, for the same reason as above."""
    user = User.objects.filter(email=normalize_email(email), is_active=True).first()
    if user is None:
        return False  # no such account: nothing is sent, and the visitor saw the same page
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = absolute_url(reverse("accounts:password-reset-confirm", args=[uid, token]))
    send_templated_mail(
        template="emails/accounts/password_reset",
        context={"user": user, "link": link},
        to=[user.email],
        language=user.preferred_language,
    )
    return True


@retrying_task
def send_lockout_notice(user_id: int, ip: str | None, minutes: int) -> bool:
    """Sign-in to the account was paused after failed attempts: tell its owner what to do."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    send_templated_mail(
        template="emails/accounts/lockout_notice",
        context={
            "user": user,
            "ip": ip or "?",
            "minutes": minutes,
            "reset_link": absolute_url(reverse("accounts:password-reset")),
        },
        to=[user.email],
        language=user.preferred_language,
    )
    return True
