"""Admin of the application review queue: an application with its documents, the review page
(approve, or reject with a reason) and the bulk actions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.core.admin import ReadOnlyAdmin, ReadOnlyInline, render_state_history
from marketplace.core.pages import refusals
from shops import services
from shops.forms import RejectApplicationForm
from shops.models import ApplicationDocument, ShopApplication


class DocumentInline(ReadOnlyInline):
    model = ApplicationDocument
    fields = [
        "kind",
        "preview",
        "original_name",
        "content_type",
        "size",
        "expires_on",
        "uploaded_at",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("Preview"))
    def preview(self, document):
        url = reverse(
            "admin:shops_shopapplication_document", args=[document.application_id, document.pk]
        )
        if document.is_image:
            return format_html(
                '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="" '
                'style="max-width:220px;max-height:160px;border:1px solid #ccc"></a>',
                url,
                url,
            )
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Open the PDF")
        )

    def has_view_permission(self, request, obj=None):
        # Whoever may see the application sees its documents.
        return request.user.has_perm("shops.view_shopapplication")


@admin.register(ShopApplication)
class ShopApplicationAdmin(ReadOnlyAdmin):
    """Nothing here is edited by hand: decisions go through the review page and the actions."""

    list_display = [
        "__str__",
        "shop_type",
        "applicant",
        "state",
        "submitted_at",
        "submission_count",
        "document_count",
    ]
    list_filter = ["state", "shop_type", ("submitted_at", admin.DateFieldListFilter)]
    search_fields = [
        "shop_name",
        "applicant__email",
        "legal_name",
        "credit_code",
        "contact_phone",
        "brand_name",
    ]
    date_hierarchy = "submitted_at"
    ordering = [F("submitted_at").asc(nulls_last=True), "created_at"]
    list_select_related = ["applicant"]
    inlines = [DocumentInline]
    actions = ["approve_selected", "reject_selected"]
    fieldsets = [
        (
            gettext_lazy("Review"),
            {
                "fields": [
                    "state",
                    "submitted_at",
                    "submission_count",
                    "decided_at",
                    "decided_by",
                    "rejection_reason",
                    "rejection_note",
                    "shop",
                    "state_history",
                ]
            },
        ),
        (
            gettext_lazy("Shop"),
            {
                "fields": [
                    "shop_type",
                    "shop_name",
                    "logo_preview",
                    "description",
                    "main_category_list",
                    "brand_name",
                ]
            },
        ),
        (
            gettext_lazy("Seller"),
            {
                "fields": [
                    "applicant",
                    "legal_name",
                    "id_number_masked",
                    "credit_code",
                    "legal_representative",
                    "business_address",
                    "business_scope",
                ]
            },
        ),
        (gettext_lazy("Contact"), {"fields": ["contact_name", "contact_phone", "contact_email"]}),
        (
            gettext_lazy("Settlement"),
            {
                "fields": [
                    "account_holder",
                    "bank_name",
                    "bank_account_masked",
                    "stripe_account_id",
                ]
            },
        ),
        (gettext_lazy("Agreement"), {"fields": ["agreement_version", "agreement_accepted_at"]}),
    ]
    readonly_fields = [name for _title, options in fieldsets for name in options["fields"]]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_total=Count("documents"))

    @admin.display(description=gettext_lazy("Documents"), ordering="document_total")
    def document_count(self, application):
        return application.document_total

    @admin.display(description=gettext_lazy("Identity document number"))
    def id_number_masked(self, application):
        return application.id_number_masked or "—"

    @admin.display(description=gettext_lazy("Bank account number"))
    def bank_account_masked(self, application):
        return application.bank_account_masked or "—"

    @admin.display(description=gettext_lazy("Main categories"))
    def main_category_list(self, application):
        return ", ".join(application.main_category_labels) or "—"

    @admin.display(description=gettext_lazy("Logo"))
    def logo_preview(self, application):
        if not application.logo:
            return "—"
        return format_html(
            '<img src="{}" alt="" style="width:96px;height:96px;border:1px solid #ccc">',
            application.logo.url,
        )

    @admin.display(description=gettext_lazy("History"))
    def state_history(self, application):
        return render_state_history(application)

    def has_review_permission(self, request):
        return request.user.has_perm("shops.review_shopapplication")

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="shops_shopapplication_review",
            ),
            path(
                "<path:object_id>/documents/<int:document_id>/",
                self.admin_site.admin_view(self.document_view),
                name="shops_shopapplication_document",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_review": self.has_review_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def document_view(self, request, object_id, document_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        document = get_object_or_404(
            ApplicationDocument, pk=document_id, application_id=unquote(object_id)
        )
        response = FileResponse(document.file.open("rb"), content_type=document.content_type)
        response["Content-Disposition"] = "inline"
        response["Cache-Control"] = "private, no-store"
        return response

    def review_view(self, request, object_id):
        if not self.has_review_permission(request):
            raise PermissionDenied
        application = self.get_object(request, unquote(object_id))
        if application is None:
            raise Http404
        decision = request.POST.get("decision") if request.method == "POST" else None
        reject_form = RejectApplicationForm(request.POST if decision == "reject" else None)
        change_url = reverse("admin:shops_shopapplication_change", args=[application.pk])
        if decision == "approve":
            with refusals(request) as outcome:
                shop = services.approve_application(
                    application=application, reviewer=request.user, request=request
                )
            if outcome.ok:
                self.message_user(
                    request,
                    _("Approved: the shop “%(name)s” is open.") % {"name": shop.name},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(change_url)
        if decision == "reject" and reject_form.is_valid():
            with refusals(request) as outcome:
                services.reject_application(
                    application=application,
                    reviewer=request.user,
                    reason=reject_form.cleaned_data["reason"],
                    note=reject_form.cleaned_data["note"],
                    request=request,
                )
            if outcome.ok:
                self.message_user(
                    request, _("Rejected; the applicant is notified."), messages.SUCCESS
                )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Review %(name)s") % {"name": application},
            "application": application,
            "documents": application.documents.all(),
            "missing": services.missing_items(application),
            "reject_form": reject_form,
            "change_url": change_url,
            "subtitle": None,
        }
        return TemplateResponse(
            request, "admin/shops/review.html", context, status=400 if reject_form.errors else 200
        )

    @admin.action(description=gettext_lazy("Approve selected applications"), permissions=["review"])
    def approve_selected(self, request, queryset):
        approved = 0
        for application in queryset.order_by("pk"):
            with refusals(request, about=application) as outcome:
                services.approve_application(
                    application=application, reviewer=request.user, request=request
                )
            approved += outcome.ok
        if approved:
            self.message_user(
                request, _("%(n)s application(s) approved.") % {"n": approved}, messages.SUCCESS
            )

    @admin.action(description=gettext_lazy("Reject selected applications…"), permissions=["review"])
    def reject_selected(self, request, queryset):
        form = RejectApplicationForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            rejected = 0
            for application in queryset.order_by("pk"):
                with refusals(request, about=application) as outcome:
                    services.reject_application(
                        application=application,
                        reviewer=request.user,
                        reason=form.cleaned_data["reason"],
                        note=form.cleaned_data["note"],
                        request=request,
                    )
                rejected += outcome.ok
            if rejected:
                self.message_user(
                    request, _("%(n)s application(s) rejected.") % {"n": rejected}, messages.SUCCESS
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Reject applications"),
            "queryset": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "subtitle": None,
        }
        return TemplateResponse(request, "admin/shops/reject_selected.html", context)
