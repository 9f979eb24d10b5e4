"""Admin for platform staff: the audit log (read-only, searchable) and the prohibited words."""

from django.contrib import admin

from compliance.models import AuditLog, ProhibitedWord
from marketplace.core.admin import ReadOnlyAdmin


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_repr", "action", "object_repr", "shop_id", "ip_address"]
    list_filter = ["action", "content_type", ("created_at", admin.DateFieldListFilter)]
    search_fields = [
        "action",
        "actor_repr",
        "object_repr",
        "object_id",
        "reason",
        "=shop_id",
        "=ip_address",
    ]
    date_hierarchy = "created_at"
    list_per_page = 50
    readonly_fields = [
        "created_at",
        "actor",
        "actor_repr",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "shop_id",
        "before",
        "after",
        "reason",
        "ip_address",
        "prev_hash",
        "hash",
    ]
    fields = readonly_fields

    # Append-only: nobody adds, edits or deletes entries (ReadOnlyAdmin; the database refuses
    # it too), so the list has no actions either.
    def get_actions(self, request):
        return {}


@admin.register(ProhibitedWord)
class ProhibitedWordAdmin(admin.ModelAdmin):
    list_display = ["word", "kind", "is_active", "note", "created_at"]
    list_editable = ["is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["word", "normalized", "note"]
    readonly_fields = ["normalized", "created_at"]
    fields = ["word", "normalized", "kind", "note", "is_active", "created_at"]
