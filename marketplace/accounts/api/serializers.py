from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from marketplace.accounts.models import Address, ApiToken, User, normalize_email
from marketplace.core.api import StrictModelSerializer, StrictSerializer


class SignUpSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    display_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    preferred_language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES], required=False
    )
    accept_terms = serializers.BooleanField()

    def validate_email(self, value):
        return normalize_email(value)

    def validate_accept_terms(self, value):
        if not value:
            raise serializers.ValidationError(
                _("You must accept the agreement and privacy policy.")
            )
        return value

    def validate(self, attrs):
        candidate = User(email=attrs.get("email", ""), display_name=attrs.get("display_name", ""))
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except Exception as error:  # django ValidationError → field error
            raise serializers.ValidationError({"password": list(error.messages)}) from error
        return attrs


class TokenRequestSerializer(StrictSerializer):
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    name = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text=_("What the token is for, e.g. ERP or phone (default: API)."),
    )


class ApiTokenSerializer(StrictModelSerializer):
    """A token as its owner sees it: never its key (shown once, at issue) nor its digest."""

    expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at", "expired"]
        read_only_fields = fields


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("The key: shown once, keep it secret."))
    id = serializers.IntegerField()
    name = serializers.CharField()
    expires_at = serializers.DateTimeField()


class ProfileSerializer(StrictModelSerializer):
    email_verified = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "email_verified",
            "display_name",
            "phone",
            "preferred_language",
            "time_zone",
            "date_joined",
        ]
        read_only_fields = ["id", "email", "email_verified", "date_joined"]


class AddressSerializer(StrictModelSerializer):
    class Meta:
        model = Address
        fields = [
            "id",
            "recipient",
            "phone",
            "province",
            "city",
            "district",
            "detail",
            "postcode",
            "is_default",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate_phone(self, value):
        phone = value.strip().replace(" ", "").replace("-", "")
        if not phone.lstrip("+").isdigit() or len(phone) < 5:
            raise serializers.ValidationError(_("Enter a valid phone number."))
        return phone
