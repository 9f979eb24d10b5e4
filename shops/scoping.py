"""THE shop-scoping layer (DESIGN §3). Every seller page and seller API call goes through it.

Models
    class Product(ShopOwnedModel):            # non-null, indexed `shop` FK (PROTECT)
        ...                                   # `objects` is a ShopScopedQuerySet manager
        class Meta(ShopOwnedModel.Meta):
            constraints = [UniqueConstraint(fields=["shop", "sku_code"], name=...)]

    Product.objects.for_shop(request.shop)    # the only way seller code reads shop data

Objects named in a URL
    product = get_for_shop_or_404(Product, shop=request.shop, pk=product_id)
    # another shop's product, a missing one and a malformed id are all the same 404

Seller-center pages (function views / class-based views)
    @seller_view(section="products")           # login, request.shop, role check, context
    def product_list(request):
        return TemplateResponse(request, "catalog/seller/product_list.html", {...})

    class ProductEdit(SellerViewMixin, UpdateView):
        section = "products"

    Both resolve `request.shop` (and `request.membership`) once, from the session's current shop
    and the user's memberships (falling back to the first one); a signed-in user without a shop
    is sent to "Open a shop"; a role that may not use `section` gets the 403 page. Template
    responses get `shop`, `seller_shops`, `seller_sections` and `unread_notifications` added to
    their context, which `layouts/seller.html` needs.

API viewsets
    class ProductViewSet(ShopScopedViewSet, mixins.ListModelMixin, ...):
        section = "products"
        queryset = Product.objects.all()      # only `.model` is used; get_queryset() scopes it
        serializer_class = ...

    The shop comes from the `X-Shop` header (a shop slug) or else the user's first membership;
    a slug the user is not a member of is a 404; a role without the section is a 403;
    `get_queryset()` is `Model.objects.for_shop(request.shop)`; `perform_create` saves the shop.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import SimpleTemplateResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions as api_exceptions
from rest_framework import permissions, viewsets

from shops import roles

SESSION_KEY = "seller_shop_id"
API_SHOP_HEADER = "X-Shop"


# --- Models -------------------------------------------------------------------------------------
class ShopScopedQuerySet(models.QuerySet):
    def for_shop(self, shop):
        """Rows of `shop` only (of nothing when `shop` is None)."""
        if shop is None:
            return self.none()
        return self.filter(shop=shop)


class ShopScopedManager(models.Manager.from_queryset(ShopScopedQuerySet)):
    pass


class ShopOwnedModel(models.Model):
    """Abstract base of every row a shop owns: a non-null, indexed `shop` foreign key.

    Include `shop` in the model's unique constraints, e.g. `(shop, sku_code)`.
    """

    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.PROTECT, db_index=True, verbose_name=_("shop")
    )

    objects = ShopScopedManager()

    class Meta:
        abstract = True


def get_for_shop_or_404(model_or_queryset, *, shop, **lookup):
    """The object of `shop` matching `lookup`; Http404 for another shop's, a missing or a
    malformed one alike."""
    if isinstance(model_or_queryset, models.QuerySet):
        queryset = model_or_queryset
    else:
        queryset = model_or_queryset._default_manager.all()
    if shop is None:
        raise Http404
    try:
        return get_object_or_404(queryset.filter(shop=shop), **lookup)
    except (ValueError, TypeError) as error:  # e.g. a non-numeric id in a lookup
        raise Http404 from error


# --- Resolving the current shop ------------------------------------------------------------------
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


# --- API ----------------------------------------------------------------------------------------
class IsShopMember(permissions.BasePermission):
    """Resolves `request.shop` for the API and checks the role against `view.section`."""

    message = _("Your role in this shop cannot use this part of the API.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        slug = request.headers.get(API_SHOP_HEADER, "").strip() or None
        try:
            membership = resolve_membership(request, shop_slug=slug)
        except Http404 as error:
            raise api_exceptions.NotFound(_("No shop of yours has this slug.")) from error
        if membership is None:
            raise api_exceptions.PermissionDenied(_("You are not a member of any shop."))
        bind_shop(request, membership)
        bind_shop(request._request, membership)
        return roles.can_use(membership.role, getattr(view, "section", "dashboard"))


X_SHOP_PARAMETER = OpenApiParameter(
    name=API_SHOP_HEADER,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Slug of the shop to act in (default: your first shop).",
)


class ShopScopedSchema(AutoSchema):
    """Every shop-scoped endpoint documents the `X-Shop` header, without each viewset saying so."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), X_SHOP_PARAMETER]


class ShopScopedViewSet(viewsets.GenericViewSet):
    """Base of every seller API viewset: shop-scoped queryset, shop set on create.

    Subclasses set `queryset` (for its model), `serializer_class` and `section`, and add the
    mixins they need. Objects of other shops are not in the queryset, so they answer 404.
    """

    permission_classes = [permissions.IsAuthenticated, IsShopMember]
    schema = ShopScopedSchema()
    section: str | None = "dashboard"

    def get_queryset(self):
        model = self.queryset.model
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request.shop
            return model._default_manager.none()
        return self.scope_queryset(self.queryset.all())

    def scope_queryset(self, queryset):
        return queryset.filter(shop=self.request.shop)

    def perform_create(self, serializer):
        serializer.save(shop=self.request.shop)
