"""Serializers of the seller API: application status, shop profile, staff, roles."""

from __future__ import annotations

from rest_framework import serializers

from marketplace.core.api import StrictModelSerializer, StrictSerializer
from shops import services
from shops.models import Invitation, Membership, Shop, ShopApplication
from shops.roles import ROLE_DESCRIPTIONS, Role, sections_of


class ApplicationStatusSerializer(serializers.ModelSerializer):
    bank_account = serializers.CharField(source="bank_account_masked", read_only=True)
    missing = serializers.SerializerMethodField()
    # Declared, because a read-only model field loses `allow_blank`/`allow_null` in DRF, and the
    # schema then forgets the "" of an undecided application and the null of one without a shop.
    rejection_reason = serializers.ChoiceField(
        choices=ShopApplication.RejectionReason.choices, allow_blank=True, read_only=True
    )
    shop = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = ShopApplication
        fields = [
            "id",
            "state",
            "shop_type",
            "shop_name",
            "main_categories",
            "brand_name",
            "contact_name",
            "contact_phone",
            "contact_email",
            "account_holder",
            "bank_name",
            "bank_account",
            "submitted_at",
            "submission_count",
            "decided_at",
            "rejection_reason",
            "rejection_note",
            "shop",
            "missing",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_missing(self, application) -> list[dict]:
        if not application.is_editable:
            return []
        return [
            {"field": field, "message": str(message)}
            for field, message in services.missing_items(application)
        ]


class MyShopSerializer(serializers.Serializer):
    """One of the user's shops and their role there (to choose the X-Shop header)."""

    slug = serializers.CharField(source="shop.slug")
    name = serializers.CharField(source="shop.name")
    state = serializers.CharField(source="shop.state")
    role = serializers.CharField()
    sections = serializers.SerializerMethodField()

    def get_sections(self, membership) -> list[str]:
        return sorted(sections_of(membership.role))


class ShopProfileSerializer(StrictModelSerializer):
    bank_account = serializers.CharField(source="bank_account_masked", read_only=True)

    class Meta:
        model = Shop
        fields = [
            "id",
            "name",
            "slug",
            "shop_type",
            "state",
            "state_reason",
            "logo",
            "logo_small",
            "banner",
            *services.shops.PROFILE_FIELDS,
            "business_name",
            "registration_number",
            "legal_representative",
            "business_address",
            "business_scope",
            "commission_rate",
            "currency",
            "bank_name",
            "bank_account",
            "follower_count",
            "rating",
            "created_at",
        ]
        read_only_fields = [name for name in fields if name not in services.shops.PROFILE_FIELDS]


class PublicShopSerializer(serializers.ModelSerializer):
    class Meta:
        model = Shop
        fields = [
            "name",
            "slug",
            "shop_type",
            "logo",
            "logo_small",
            "banner",
            "description",
            "main_categories",
            "brand_name",
            "service_hours",
            "service_channels",
            "service_phone",
            "service_email",
            "return_policy",
            "shipping_policy",
            "business_name",
            "registration_number",
            "legal_representative",
            "business_address",
            "follower_count",
            "rating",
            "created_at",
        ]
        read_only_fields = fields


class MembershipSerializer(StrictModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "display_name", "role", "created_at"]
        read_only_fields = ["id", "email", "display_name", "created_at"]


class InvitationSerializer(StrictModelSerializer):
    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
        read_only_fields = ["id", "created_at", "expires_at", "accepted_at", "revoked_at"]


class RoleSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=Role.choices)
    label = serializers.CharField()
    description = serializers.CharField()
    sections = serializers.ListField(child=serializers.CharField())


def role_rows() -> list[dict]:
    return [
        {
            "role": role.value,
            "label": str(role.label),
            "description": str(ROLE_DESCRIPTIONS[role]),
            "sections": sorted(sections_of(role)),
        }
        for role in Role
    ]
