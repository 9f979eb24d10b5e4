"""Reads of the shops chapter that pages and the API share; each owns its joins."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from compliance.models import AuditLog
from marketplace.core.models import Notification
from marketplace.core.states import history
from shops.models import (
    ApplicationDocument,
    Invitation,
    Membership,
    Shop,
    ShopApplication,
    ShopFollow,
    ShopTypeTerms,
)


def list_shop_type_terms() -> list[ShopTypeTerms]:
    return list(ShopTypeTerms.objects.order_by("deposit", "shop_type"))


def list_applications_of(user) -> QuerySet[ShopApplication]:
    return ShopApplication.objects.filter(applicant=user).select_related("shop")


def get_open_application(user) -> ShopApplication | None:
    return list_applications_of(user).filter(state__in=ShopApplication.OPEN_STATES).first()


def get_application_of_user_or_404(*, user, pk) -> ShopApplication:
    """The user's own application (another person's, like a missing one, is a 404)."""
    try:
        return get_object_or_404(
            list_applications_of(user).prefetch_related(
                Prefetch("documents", queryset=ApplicationDocument.objects.order_by("kind", "pk"))
            ),
            pk=pk,
        )
    except (TypeError, ValueError) as error:
        raise Http404 from error


def get_document_of_user_or_404(*, user, application_pk, pk) -> ApplicationDocument:
    return get_object_or_404(
        ApplicationDocument.objects.select_related("application"),
        application__applicant=user,
        application_id=application_pk,
        pk=pk,
    )


def application_history(application: ShopApplication):
    return history(application).select_related("actor")


def list_members(shop: Shop) -> QuerySet[Membership]:
    return (
        Membership.objects.for_shop(shop)
        .select_related("user", "invited_by")
        .order_by("created_at", "pk")
    )


def list_pending_invitations(shop: Shop) -> QuerySet[Invitation]:
    return (
        Invitation.objects.for_shop(shop)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("invited_by")
        .order_by("-created_at")
    )


def list_activity(shop: Shop) -> QuerySet[AuditLog]:
    """The shop's activity log: every audited action on it, newest first (no joins needed:
    the actor's name is stored on the row)."""
    return AuditLog.objects.for_shop(shop.pk).order_by("-created_at", "-id")


def list_unread_notifications(user, *, limit: int = 5) -> list[Notification]:
    return list(Notification.objects.for_user(user).unread()[:limit])


def list_notifications(user) -> QuerySet[Notification]:
    return Notification.objects.for_user(user)


def get_public_shop_or_404(slug: str) -> Shop:
    """A shop buyers may see: suspended and closed shops are gone from the storefront."""
    return get_object_or_404(Shop.objects.filter(state__in=Shop.VISIBLE_STATES), slug=slug)


def is_following(user, shop: Shop) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return ShopFollow.objects.filter(user=user, shop=shop).exists()


def list_visible_shops() -> QuerySet[Shop]:
    return Shop.objects.filter(state__in=Shop.VISIBLE_STATES)
