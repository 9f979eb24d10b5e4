"""Seller API of shops: application status, the current shop's profile, staff and roles.

Shop-owned endpoints derive from `shops.scoping.ShopScopedViewSet`: the shop is the X-Shop
header's (or the user's first), objects of other shops are 404.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from shops import selectors, services
from shops.api import serializers as s
from shops.models import Invitation, Membership, Shop, ShopApplication
from shops.scoping import views as scoping
from shops.scoping.api import X_SHOP_PARAMETER as X_SHOP
from shops.scoping.api import ShopScopedViewSet


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your own shop applications and their review status (another person's is a 404)."""

    serializer_class = s.ApplicationStatusSerializer
    queryset = ShopApplication.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ShopApplication.objects.none()
        return selectors.list_applications_of(self.request.user).order_by("-created_at")


class MyShopsView(APIView):
    """The shops you work in, with your role and its sections."""

    @extend_schema(responses=s.MyShopSerializer(many=True))
    def get(self, request):
        memberships = scoping.request_memberships(request)
        return Response(s.MyShopSerializer(memberships, many=True).data)


@extend_schema(parameters=[X_SHOP])
class ShopProfileView(APIView):
    """The current shop's profile; owners and managers may change the profile texts."""

    permission_classes = ShopScopedViewSet.permission_classes
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_permissions(self):
        self.section = "dashboard" if self.request.method == "GET" else "shop_profile"
        return super().get_permissions()

    @extend_schema(responses=s.ShopProfileSerializer)
    def get(self, request):
        return Response(s.ShopProfileSerializer(request.shop, context={"request": request}).data)

    @extend_schema(request=s.ShopProfileSerializer, responses=s.ShopProfileSerializer)
    def patch(self, request):
        serializer = s.ShopProfileSerializer(request.shop, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        shop = services.update_shop_profile(
            shop=request.shop,
            actor=request.user,
            request=request._request,
            logo=request.FILES.get("logo"),
            banner=request.FILES.get("banner"),
            **{
                k: v
                for k, v in serializer.validated_data.items()
                if k in services.shops.PROFILE_FIELDS
            },
        )
        return Response(s.ShopProfileSerializer(shop, context={"request": request}).data)


@extend_schema(parameters=[X_SHOP])
class StaffViewSet(
    ShopScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """The current shop's staff: list, change a role, remove someone (owners only)."""

    section = "staff"
    queryset = Membership.objects.select_related("user")
    serializer_class = s.MembershipSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def perform_update(self, serializer):
        serializer.instance = services.change_role(
            shop=self.request.shop,
            actor=self.request.user,
            membership=serializer.instance,
            role=serializer.validated_data.get("role", serializer.instance.role),
            request=self.request._request,
        )

    def perform_destroy(self, instance):
        services.remove_member(
            shop=self.request.shop,
            actor=self.request.user,
            membership=instance,
            request=self.request._request,
        )


@extend_schema(parameters=[X_SHOP])
class InvitationViewSet(
    ShopScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
):
    """Invitations to the current shop's staff; DELETE revokes a pending one."""

    section = "staff"
    queryset = Invitation.objects.all().order_by("-created_at")
    serializer_class = s.InvitationSerializer

    def perform_create(self, serializer):
        invitation, _token = services.invite_staff(
            shop=self.request.shop,
            actor=self.request.user,
            email=serializer.validated_data["email"],
            role=serializer.validated_data["role"],
            request=self.request._request,
        )
        serializer.instance = invitation

    def destroy(self, request, *args, **kwargs):
        invitation = self.get_object()
        services.revoke_invitation(
            shop=request.shop, actor=request.user, invitation=invitation, request=request._request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class RolesView(APIView):
    """The roles a staff member can have and the seller-center sections each may use."""

    @extend_schema(responses=s.RoleSerializer(many=True))
    def get(self, request):
        return Response(s.role_rows())


class PublicShopViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A shop's public profile (suspended and closed shops are 404)."""

    permission_classes = [AllowAny]
    serializer_class = s.PublicShopSerializer
    lookup_field = "slug"
    queryset = Shop.objects.filter(state__in=Shop.VISIBLE_STATES)

    def get_object(self):
        return selectors.get_public_shop_or_404(self.kwargs["slug"])
