from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.accounts import services
from marketplace.accounts.api.serializers import (
    AddressSerializer,
    ApiTokenSerializer,
    ProfileSerializer,
    SignUpSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from marketplace.accounts.views import client_ip
from marketplace.core.errors import DomainError
from marketplace.core.throttling import AnonRateThrottle


class SignUpThrottle(AnonRateThrottle):
    """Sign-ups per address, at the `signup` rate (API_THROTTLE_SIGNUP)."""

    scope = "signup"


@extend_schema(
    request=SignUpSerializer,
    responses={202: inline_serializer("SignUpAccepted", {"detail": serializers.CharField()})},
    summary="Sign up; a verification link is e-mailed",
)
@api_view(["POST"])
@permission_classes([AllowAny])
@throttle_classes([SignUpThrottle])
def signup(request):
    serializer = SignUpSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    services.register_user(
        email=data["email"],
        password=data["password"],
        display_name=data.get("display_name", ""),
        language=data.get("preferred_language", ""),
        ip=client_ip(request),
    )
    # The same answer for a new and a known address (no account enumeration).
    return Response(
        {"detail": _("Check your inbox: we have sent a link to verify your address.")},
        status=status.HTTP_202_ACCEPTED,
    )


class TokenView(APIView):
    """Exchange e-mail and password for a new named API token (verified accounts only). Each call
    issues another token, valid for `API_TOKEN_TTL_DAYS`; its key is in this answer only."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request._request,  # django-axes counts failures on the Django request
            username=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise DomainError(
                _("The e-mail address or password is not correct."), code="invalid_credentials"
            )
        if not user.email_verified:
            raise DomainError(_("Please verify your e-mail address first."), code="unverified")
        token, key = services.issue_api_token(
            user=user, name=serializer.validated_data.get("name", "")
        )
        issued = {"token": key, "id": token.pk, "name": token.name, "expires_at": token.expires_at}
        return Response(TokenSerializer(issued).data)


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The signed-in user's API tokens: list them, revoke one. Another user's token answers 404.
    New tokens come from `POST /api/v1/auth/token/` (e-mail and password)."""

    serializer_class = ApiTokenSerializer
    queryset = services.ApiToken.objects.none()
    ordering_fields = ["created_at", "expires_at", "last_used_at", "name"]

    def get_queryset(self):
        return self.request.user.api_tokens.all()

    def perform_destroy(self, instance):
        services.revoke_api_token(user=self.request.user, token=instance)


class ProfileView(APIView):
    @extend_schema(responses=ProfileSerializer)
    def get(self, request):
        return Response(ProfileSerializer(request.user).data)

    @extend_schema(request=ProfileSerializer, responses=ProfileSerializer)
    def patch(self, request):
        serializer = ProfileSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.update_profile(user=request.user, **serializer.validated_data)
        return Response(ProfileSerializer(user).data)


class AddressViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The signed-in buyer's address book. Another user's address answers 404."""

    serializer_class = AddressSerializer
    queryset = services.Address.objects.none()

    def get_queryset(self):
        return self.request.user.addresses.all()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        is_default = data.pop("is_default", False)
        serializer.instance = services.save_address(
            user=self.request.user, is_default=is_default, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        is_default = data.pop("is_default", serializer.instance.is_default)
        serializer.instance = services.save_address(
            user=self.request.user, address=serializer.instance, is_default=is_default, **data
        )

    def perform_destroy(self, instance):
        services.delete_address(user=self.request.user, address=instance)
