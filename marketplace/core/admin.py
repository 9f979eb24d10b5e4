"""Admin pieces every chapter uses, and the read-only admin of the shared records.

class LedgerEntryAdmin(ReadOnlyAdmin): ...           # staff read, nobody adds, edits or deletes
class OrderLineInline(ReadOnlyInline): ...           # the same, as a tabular inline

class ShopAdmin(StateHistoryAdminMixin, admin.ModelAdmin):
    readonly_fields = [..., "state_history"]         # the object's state events, oldest first
"""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy

from marketplace.core.models import Notification, StateEvent
from marketplace.core.states import history


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only services write (ledgers, logs, events): staff read them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """An inline of rows that only services write."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def render_state_history(obj):
    """One line per state event of `obj`: "2026-11-01 10:00 · submitted → approved · who · why"."""
    events = history(obj).select_related("actor")
    if not events:
        return "—"
    return format_html_join(
        "\n",
        "<div>{} · {} → {} · {} · {}</div>",
        (
            (
                localtime(event.created_at).strftime("%Y-%m-%d %H:%M"),
                event.from_state or "—",
                event.to_state,
                event.actor or "—",
                event.reason or "—",
            )
            for event in events
        ),
    )


class StateHistoryAdminMixin:
    """Adds the read-only field `state_history` (name it in `readonly_fields` and a fieldset)."""

    @admin.display(description=gettext_lazy("State history"))
    def state_history(self, obj):
        return render_state_history(obj)


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
