from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Address, ApiToken, PolicyAcceptance, User
from marketplace.core.admin import ReadOnlyAdmin, ReadOnlyInline


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0
    fields = [
        "recipient",
        "phone",
        "province",
        "city",
        "district",
        "detail",
        "postcode",
        "is_default",
    ]


class PolicyAcceptanceInline(ReadOnlyInline):
    model = PolicyAcceptance
    readonly_fields = ["document", "version", "accepted_at", "ip_address"]


class ApiTokenInline(ReadOnlyInline):
    """The user's API tokens (never their keys); staff may revoke one by deleting it."""

    model = ApiToken
    can_delete = True
    readonly_fields = ["name", "prefix", "created_at", "expires_at", "last_used_at"]
    fields = readonly_fields

    def has_delete_permission(self, request, obj=None):
        return admin.TabularInline.has_delete_permission(self, request, obj)


class AdminUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class AdminUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ["-date_joined"]
    list_display = [
        "email",
        "display_name",
        "email_verified_at",
        "is_staff",
        "is_active",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "preferred_language", "groups"]
    search_fields = ["email", "display_name", "phone"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [AddressInline, PolicyAcceptanceInline, ApiTokenInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "display_name",
                    "phone",
                    "preferred_language",
                    "time_zone",
                    "email_verified_at",
                ]
            },
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


@admin.register(PolicyAcceptance)
class PolicyAcceptanceAdmin(ReadOnlyAdmin):
    """Proof of acceptance, written at sign-up: staff read it."""

    list_display = ["user", "document", "version", "accepted_at", "ip_address"]
    list_filter = ["document", "version"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "document", "version", "accepted_at", "ip_address"]

    def has_delete_permission(self, request, obj=None):
        # Deleting a user in admin deletes their acceptances, and admin allows that only when
        # this admin allows deleting them: keep Django's permission check here.
        return admin.ModelAdmin.has_delete_permission(self, request, obj)
