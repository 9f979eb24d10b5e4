"""The shop-scoped REST API: `ShopScopedViewSet` and the permission that resolves the shop (DRF).

See `shops.scoping`; another shop's object is not in the queryset, so it answers 404.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions as api_exceptions
from rest_framework import permissions, viewsets

from shops import roles
from shops.scoping.views import bind_shop, resolve_membership

API_SHOP_HEADER = "X-Shop"


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
