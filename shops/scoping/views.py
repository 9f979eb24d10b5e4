"""The current shop of a seller-center page: `seller_view` and `SellerViewMixin`.

See `shops.scoping`.

`request.shop` (and `request.membership`, `request.shop_role`) is resolved once per request from
the session's current shop and the user's memberships; the API resolves it the same way
(`shops.scoping.api`), from the X-Shop header.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import SimpleTemplateResponse

from shops import roles
from shops.scoping.models import get_for_shop_or_404

SESSION_KEY = "seller_shop_id"


def user_memberships(user) -> list:
    """The user's memberships with their shops, in a stable order (one query)."""
    from shops.models import Membership

    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Membership.objects.filter(user=user).select_related("shop").order_by("created_at", "id")
    )


def request_memberships(request) -> list:
    """`user_memberships(request.user)`, read once per request."""
    django_request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    cached = getattr(django_request, "_shop_memberships", None)
    if cached is None:
        cached = user_memberships(request.user)
        django_request._shop_memberships = cached
    return cached


def forget_memberships(request) -> None:
    """After adding or removing the user's memberships within this request."""
    django_request = getattr(request, "_request", request)
    if hasattr(django_request, "_shop_memberships"):
        del django_request._shop_memberships


def resolve_membership(request, *, shop_slug: str | None = None):
    """The membership the request acts through, or None.

    With `shop_slug` (the API's X-Shop header) that shop must be one of the user's, else Http404;
    otherwise the session's current shop, else the first membership.
    """
    memberships = request_memberships(request)
    if shop_slug:
        for membership in memberships:
            if membership.shop.slug == shop_slug:
                return membership
        raise Http404
    session = getattr(request, "session", None)
    current_id = session.get(SESSION_KEY) if session is not None else None
    if current_id is not None:
        for membership in memberships:
            if membership.shop_id == current_id:
                return membership
    return memberships[0] if memberships else None


def bind_shop(request, membership) -> None:
    request.membership = membership
    request.shop = membership.shop if membership is not None else None
    request.shop_role = membership.role if membership is not None else None


def switch_shop(request, *, slug: str):
    """Make the user's shop `slug` the session's current shop; Http404 if not theirs."""
    membership = resolve_membership(request, shop_slug=slug)
    request.session[SESSION_KEY] = membership.shop_id
    bind_shop(request, membership)
    return membership


def seller_context(request, *, section: str | None) -> dict[str, Any]:
    """What layouts/seller.html needs: current shop, the user's shops, the role's menu."""
    from marketplace.core.notifications import unread_count
    from shops.sections import menu_for

    return {
        "shop": getattr(request, "shop", None),
        "membership": getattr(request, "membership", None),
        "seller_shops": [m.shop for m in request_memberships(request)],
        "seller_sections": menu_for(request, active=section),
        "unread_notifications": unread_count(request.user),
    }


def _enter_seller_view(request, *, section: str | None, shop_required: bool):
    """Shared by the decorator and the mixin: returns a response to short-circuit, or None."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not hasattr(request, "shop"):
        bind_shop(request, resolve_membership(request))
    request.seller_section = section
    if request.shop is None:
        if shop_required:
            return redirect("seller:open-shop")
        return None
    if shop_required and not roles.can_use(request.shop_role, section):
        raise PermissionDenied
    return None


def _add_seller_context(request, response, section):
    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        context = seller_context(request, section=section)
        context.update(response.context_data or {})
        response.context_data = context
    return response


def seller_view(view=None, *, section: str | None = "dashboard", shop_required: bool = True):
    """Decorator for seller-center function views. See the module docstring.

    `section=None`: any member of the shop may use it. `shop_required=False`: signed-in users
    without a shop may use it too (the shop application, accepting an invitation); `request.shop`
    is then the current shop or None.
    """

    def decorator(func):
        @wraps(func)
        def wrapped(request, *args, **kwargs):
            early = _enter_seller_view(request, section=section, shop_required=shop_required)
            if early is not None:
                return early
            response = func(request, *args, **kwargs)
            return _add_seller_context(request, response, section)

        wrapped.seller_section = section
        wrapped.shop_required = shop_required
        return wrapped

    if view is not None:
        return decorator(view)
    return decorator


class SellerViewMixin:
    """For class-based seller views: set `section` (and `shop_required`) on the class."""

    section: str | None = "dashboard"
    shop_required: bool = True

    def dispatch(self, request, *args, **kwargs):
        early = _enter_seller_view(request, section=self.section, shop_required=self.shop_required)
        if early is not None:
            return early
        self.shop = request.shop
        self.membership = request.membership
        response = super().dispatch(request, *args, **kwargs)
        return _add_seller_context(request, response, self.section)

    def get_object_for_shop(self, model_or_queryset, **lookup):
        return get_for_shop_or_404(model_or_queryset, shop=self.request.shop, **lookup)
