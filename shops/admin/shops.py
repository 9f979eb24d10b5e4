"""Admin of shops: the profile as staff see it, the people who work there, and state changes
(suspend, close, reopen) one at a time or in bulk, always with a reason."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.core.admin import StateHistoryAdminMixin
from marketplace.core.pages import refusals
from shops import services
from shops.admin.staff import MembershipInline
from shops.forms import ShopStateForm
from shops.models import Shop


@admin.register(Shop)
class ShopAdmin(StateHistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "shop_type", "state", "follower_count", "created_at"]
    list_filter = ["state", "shop_type", ("created_at", admin.DateFieldListFilter)]
    search_fields = [
        "name",
        "slug",
        "business_name",
        "registration_number",
        "memberships__user__email",
    ]
    inlines = [MembershipInline]
    actions = ["change_state_selected"]
    readonly_fields = [
        "name",
        "slug",
        "shop_type",
        "state",
        "state_reason",
        "state_changed_at",
        "bank_account_masked",
        "account_holder",
        "bank_name",
        "stripe_account_id",
        "follower_count",
        "rating",
        "created_at",
        "updated_at",
        "state_history",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "shop_type",
                    "state",
                    "state_reason",
                    "state_changed_at",
                    "state_history",
                ]
            },
        ),
        (
            gettext_lazy("Profile"),
            {
                "fields": [
                    "description",
                    "brand_name",
                    "service_hours",
                    "service_channels",
                    "service_phone",
                    "service_email",
                    "return_policy",
                    "shipping_policy",
                ]
            },
        ),
        (
            gettext_lazy("Business information"),
            {
                "fields": [
                    "business_name",
                    "registration_number",
                    "legal_representative",
                    "business_address",
                    "business_scope",
                ]
            },
        ),
        (
            gettext_lazy("Terms and settlement"),
            {
                "fields": [
                    "deposit",
                    "annual_fee",
                    "commission_rate",
                    "currency",
                    "account_holder",
                    "bank_name",
                    "bank_account_masked",
                    "stripe_account_id",
                ]
            },
        ),
        (
            gettext_lazy("Counters"),
            {"fields": ["follower_count", "rating", "created_at", "updated_at"]},
        ),
    ]

    @admin.display(description=gettext_lazy("Bank account number"))
    def bank_account_masked(self, shop):
        return shop.bank_account_masked or "—"

    def has_add_permission(self, request):
        return False  # shops are opened by approving an application

    def has_delete_permission(self, request, obj=None):
        return False  # closed, never deleted

    def has_change_state_permission(self, request):
        return request.user.has_perm("shops.change_shop_state")

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/state/",
                self.admin_site.admin_view(self.state_view),
                name="shops_shop_state",
            )
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_change_state": self.has_change_state_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _apply_state(self, request, shops, form) -> int:
        changed = 0
        for shop in shops:
            with refusals(request, about=shop) as outcome:
                services.change_shop_state(
                    shop=shop,
                    to=form.cleaned_data["state"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            changed += outcome.ok
        if changed:
            self.message_user(
                request,
                _("%(n)s shop(s) changed; their owners are notified.") % {"n": changed},
                messages.SUCCESS,
            )
        return changed

    def state_view(self, request, object_id):
        if not self.has_change_state_permission(request):
            raise PermissionDenied
        shop = self.get_object(request, unquote(object_id))
        if shop is None:
            raise Http404
        form = ShopStateForm(request.POST or None, initial={"state": shop.state})
        if request.method == "POST" and form.is_valid():
            self._apply_state(request, [shop], form)
            return HttpResponseRedirect(reverse("admin:shops_shop_change", args=[shop.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Change the state of %(name)s") % {"name": shop.name},
            "shops": [shop],
            "form": form,
            "subtitle": None,
        }
        return TemplateResponse(
            request, "admin/shops/shop_state.html", context, status=400 if form.errors else 200
        )

    @admin.action(
        description=gettext_lazy("Change the state of selected shops…"),
        permissions=["change_state"],
    )
    def change_state_selected(self, request, queryset):
        form = ShopStateForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self._apply_state(request, list(queryset.order_by("pk")), form)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Change the state of shops"),
            "shops": queryset,
            "form": form,
            "bulk": True,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "subtitle": None,
        }
        return TemplateResponse(request, "admin/shops/shop_state.html", context)
