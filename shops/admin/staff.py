"""Admin of the people of a shop: its memberships (shown on the shop) and invitations.
Both change only through the seller center's staff page (shops.services.staff)."""

from __future__ import annotations

from django.contrib import admin

from marketplace.core.admin import ReadOnlyAdmin, ReadOnlyInline
from shops.models import Invitation, Membership


class MembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "shop"
    fields = ["user", "role", "invited_by", "created_at"]
    readonly_fields = fields


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = [
        "email",
        "shop",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    search_fields = ["email", "shop__name"]
    readonly_fields = [
        "shop",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    exclude = ["token_hash"]
