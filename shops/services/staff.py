"""Shop staff: invitations by e-mail, roles, removal (SPEC §3). Every change is audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance import audit
from marketplace.accounts.models import User, normalize_email
from marketplace.core.errors import ConflictError, DomainError
from marketplace.core.models import Notification
from marketplace.core.notifications import notify
from shops import tasks
from shops.models import Invitation, Membership, Shop
from shops.roles import Role

INVITATION_DAYS = 7


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise DomainError(_("Choose a role from the list."), field="role")


@transaction.atomic
def invite_staff(
    *, shop: Shop, actor, email: str, role: str, request=None
) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its link (after commit). Returns it and the raw token,
    which is stored only as a hash."""
    _check_role(role)
    email = normalize_email(email)
    if not email:
        raise DomainError(_("Enter an e-mail address."), field="email")
    if Membership.objects.filter(shop=shop, user__email=email).exists():
        raise DomainError(
            _("%(email)s is already in this shop's staff.") % {"email": email},
            code="already_member",
            field="email",
        )
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                shop=shop,
                email=email,
                role=role,
                token_hash=hash_token(token),
                invited_by=actor,
                expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
            )
    except IntegrityError as error:
        raise DomainError(
            _("An invitation to %(email)s is already waiting; revoke it to send a new one.")
            % {"email": email},
            code="already_invited",
            field="email",
        ) from error
    audit.record(
        "staff.invited",
        actor=actor,
        obj=invitation,
        shop_id=shop.pk,
        after={"email": email, "role": role},
        request=request,
    )
    invitation_id = invitation.pk
    transaction.on_commit(lambda: tasks.send_staff_invitation.delay(invitation_id, token))
    existing = User.objects.filter(email=email, is_active=True).first()
    if existing is not None:
        notify(
            existing,
            title=lambda: _("%(shop)s invites you to join its staff") % {"shop": shop.name},
            body=lambda: (
                _("Role: %(role)s. Open the link in the e-mail we sent you to accept.")
                % {"role": Role(role).label}
            ),
            shop_id=shop.pk,
            email_template=None,
        )
    return invitation, token


def get_pending_invitation(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("shop", "invited_by")
        .filter(
            token_hash=hash_token(token),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


@transaction.atomic
def accept_invitation(*, token: str, user, request=None) -> Membership:
    invitation = get_pending_invitation(token)
    # An invitation sent to someone else is "not found" for this user, like a wrong token.
    if invitation is None or invitation.email != normalize_email(user.email):
        raise DomainError(_("This invitation is not valid any more."), code="not_found")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ConflictError(_("This invitation was already used."), code="used")
    if Membership.objects.filter(shop=invitation.shop, user=user).exists():
        raise ConflictError(_("You are already in this shop's staff."), code="already_member")
    membership = Membership.objects.create(
        shop=invitation.shop, user=user, role=invitation.role, invited_by=invitation.invited_by
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    # The in-app "you are invited" notice has done its job.
    Notification.objects.filter(
        user=user,
        shop_id=invitation.shop_id,
        read_at__isnull=True,
        created_at__lte=invitation.accepted_at,
    ).update(read_at=invitation.accepted_at)
    audit.record(
        "staff.joined",
        actor=user,
        obj=membership,
        shop_id=invitation.shop_id,
        after={"email": user.email, "role": membership.role},
        request=request,
    )
    if invitation.invited_by is not None:
        notify(
            invitation.invited_by,
            title=lambda: (
                _("%(email)s joined %(shop)s") % {"email": user.email, "shop": invitation.shop.name}
            ),
            link=reverse("seller:staff"),
            shop_id=invitation.shop_id,
            email_template=None,
        )
    return membership


@transaction.atomic
def revoke_invitation(*, shop: Shop, actor, invitation: Invitation, request=None) -> Invitation:
    if invitation.shop_id != shop.pk:
        raise DomainError(_("Invitation not found."), code="not_found")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ConflictError(_("This invitation is no longer pending."), code="not_pending")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        "staff.invitation_revoked",
        actor=actor,
        obj=invitation,
        shop_id=shop.pk,
        before={"email": invitation.email, "role": invitation.role},
        request=request,
    )
    return invitation


def _lock_owners(shop: Shop) -> list[Membership]:
    return list(
        Membership.objects.select_for_update().filter(shop=shop, role=Role.OWNER).order_by("pk")
    )


@transaction.atomic
def change_role(*, shop: Shop, actor, membership: Membership, role: str, request=None):
    _check_role(role)
    if membership.shop_id != shop.pk:
        raise DomainError(_("Staff member not found."), code="not_found")
    owners = _lock_owners(shop)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    before = membership.role
    if before == role:
        return membership
    if before == Role.OWNER and len(owners) <= 1:
        raise ConflictError(
            _("A shop needs at least one owner: make someone else owner first."),
            code="last_owner",
            field="role",
        )
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        "staff.role_changed",
        actor=actor,
        obj=membership,
        shop_id=shop.pk,
        before={"role": before},
        after={"role": role},
        request=request,
    )
    notify(
        membership.user,
        title=lambda: (
            _("Your role in %(shop)s is now %(role)s")
            % {"shop": shop.name, "role": Role(role).label}
        ),
        link=reverse("seller:dashboard"),
        shop_id=shop.pk,
        email_template=None,
    )
    return membership


@transaction.atomic
def remove_member(*, shop: Shop, actor, membership: Membership, request=None) -> None:
    if membership.shop_id != shop.pk:
        raise DomainError(_("Staff member not found."), code="not_found")
    owners = _lock_owners(shop)
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if membership.role == Role.OWNER and len(owners) <= 1:
        raise ConflictError(
            _("A shop needs at least one owner: the last owner cannot be removed."),
            code="last_owner",
        )
    audit.record(
        "staff.removed",
        actor=actor,
        obj=membership,
        shop_id=shop.pk,
        before={"email": membership.user.email, "role": membership.role},
        request=request,
    )
    membership.delete()
