"""Read-only admin views of the shared records: state changes and notifications."""

from django.contrib import admin

from marketplace.core.models import Notification, StateEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StateEvent)
class StateEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "machine",
        "object_id",
        "from_state",
        "to_state",
        "actor",
        "shop_id",
    ]
    list_filter = ["machine", "to_state"]
    search_fields = ["object_id", "reason", "actor__email"]
    list_select_related = ["actor"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "title", "shop_id", "read_at"]
    list_filter = [("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "title"]
    list_select_related = ["user"]
