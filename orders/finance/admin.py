"""Django admin of the money side, for the platform's finance staff: the shops' ledgers
(read-only), settlement statements, frozen commissions, Stripe transfers and reversals, payouts,
and the reconciliation report. Writes go through one service each (`record_payout`,
`record_adjustment`, `send_transfer`, `generate_statements`), never by editing rows."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.core.admin import ReadOnlyAdmin, ReadOnlyInline
from marketplace.core.money import DEFAULT_CURRENCY, MINOR_UNIT_DIGITS
from marketplace.core.pages import refusals
from orders.finance.services import ledger, reconciliation, settlement, transfers
from orders.models import (
    LedgerEntry,
    OrderCommission,
    Payout,
    ShopTransfer,
    Statement,
    TransferReversal,
)

CURRENCIES = [(code, code) for code in MINOR_UNIT_DIGITS]


class PendingFilter(admin.SimpleListFilter):
    title = gettext_lazy("balance")
    parameter_name = "balance"

    def lookups(self, request, model_admin):
        return [("pending", gettext_lazy("Pending")), ("available", gettext_lazy("Available"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.pending()
        if self.value() == "available":
            return queryset.available()
        return queryset


class PayoutForm(forms.Form):
    shop = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Shop"))
    amount = forms.DecimalField(label=gettext_lazy("Amount"), max_digits=12, decimal_places=2)
    currency = forms.ChoiceField(
        label=gettext_lazy("Currency"), choices=CURRENCIES, initial=DEFAULT_CURRENCY
    )
    reference = forms.CharField(label=gettext_lazy("Bank reference"), max_length=100)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from shops.models import Shop

        self.fields["shop"].queryset = Shop.objects.order_by("name")


class AdjustmentForm(PayoutForm):
    reference = forms.CharField(
        label=gettext_lazy("Reference (e.g. a ticket number)"),
        max_length=60,
        help_text=gettext_lazy("The same reference twice is posted once."),
    )
    note = forms.CharField(label=gettext_lazy("What it is for"), max_length=200)


def _service_form_view(model_admin, request, *, form_class, title, perform, done_url):
    """A small admin page: a form whose valid submit calls one service; a refusal by the service
    is shown on its field."""
    if not model_admin.has_view_permission(request) or not request.user.has_perm(
        "orders.add_payout"
    ):
        raise PermissionDenied
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals(form=form) as outcome, transaction.atomic():
            message = perform(form.cleaned_data, request.user)
        if outcome.ok:
            messages.success(request, message)
            return redirect(done_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "orders/finance/admin/form.html", context)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "shop",
        "kind",
        "signed_amount",
        "currency",
        "order_number",
        "memo",
        "available_at",
    ]
    list_filter = ["kind", PendingFilter, "currency", "created_at"]
    search_fields = ["order_number", "source", "memo", "shop__name", "shop__slug"]
    date_hierarchy = "created_at"
    list_select_related = ["shop"]
    list_per_page = 100
    readonly_fields = [f.name for f in LedgerEntry._meta.fields]
    change_list_template = "orders/finance/admin/change_list.html"

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def signed_amount(self, entry):
        css = "color:#b42318" if entry.amount < 0 else "color:#1a7f37"
        return format_html('<span style="{}">{}</span>', css, entry.amount)

    def get_urls(self):
        urls = [
            path(
                "reconciliation/",
                self.admin_site.admin_view(self.reconciliation_view),
                name="orders_ledgerentry_reconciliation",
            ),
            path(
                "adjustment/",
                self.admin_site.admin_view(self.adjustment_view),
                name="orders_ledgerentry_adjustment",
            ),
        ]
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["finance_links"] = [
            (reverse("admin:orders_ledgerentry_reconciliation"), _("Reconciliation report")),
            (reverse("admin:orders_ledgerentry_adjustment"), _("Post an adjustment")),
        ]
        return super().changelist_view(request, extra_context=extra_context)

    def reconciliation_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        from shops.models import Shop

        shop = None
        slug = request.GET.get("shop", "").strip()
        if slug:
            shop = Shop.objects.filter(slug=slug).first()
            if shop is None:
                messages.error(request, _("No shop has the slug %(slug)s.") % {"slug": slug})
        if request.method == "POST" and request.POST.get("repair"):
            posted = ledger.repost_missing()
            messages.success(
                request, _("%(count)d missing posting(s) repaired.") % {"count": posted}
            )
            return redirect(request.get_full_path())
        report = reconciliation.reconcile(shop=shop)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reconciliation: ledgers against payments, refunds and transfers"),
            "report": report,
            "shop": shop,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "orders/finance/admin/reconciliation.html", context)

    def adjustment_view(self, request):
        def perform(data, actor):
            entry = ledger.record_adjustment(
                shop=data["shop"],
                amount=data["amount"],
                currency=data["currency"],
                memo=data["note"],
                actor=actor,
                reference=data["reference"],
            )
            return _("Adjustment of %(amount)s %(currency)s posted for %(shop)s.") % {
                "amount": entry.amount,
                "currency": entry.currency,
                "shop": data["shop"],
            }

        return _service_form_view(
            self,
            request,
            form_class=AdjustmentForm,
            title=_("Post an adjustment to a shop's ledger"),
            perform=perform,
            done_url=reverse("admin:orders_ledgerentry_changelist"),
        )


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = [
        "shop",
        "period_start",
        "period_end",
        "currency",
        "opening_balance",
        "sales",
        "commissions",
        "refunds",
        "adjustments",
        "payouts",
        "closing_balance",
        "entry_count",
    ]
    list_filter = ["currency", "period_start"]
    search_fields = ["shop__name", "shop__slug"]
    list_select_related = ["shop"]
    date_hierarchy = "period_start"
    readonly_fields = [f.name for f in Statement._meta.fields]
    actions = ["generate_last_period"]

    @admin.action(description=gettext_lazy("Make the last ended period's missing statements"))
    def generate_last_period(self, request, queryset):
        made = settlement.generate_statements()
        self.message_user(request, _("%(count)d statement(s) made.") % {"count": made})


@admin.register(OrderCommission)
class OrderCommissionAdmin(ReadOnlyAdmin):
    list_display = [
        "order",
        "shop",
        "sale",
        "goods_value",
        "amount",
        "minimum_applied",
        "net",
        "currency",
        "frozen_at",
    ]
    list_filter = ["minimum_applied", "currency"]
    search_fields = ["order__number", "shop__name"]
    list_select_related = ["order", "shop"]
    readonly_fields = [f.name for f in OrderCommission._meta.fields]


class ReversalInline(ReadOnlyInline):
    model = TransferReversal
    fields = ["refund", "amount", "state", "provider_ref", "failure_reason", "sent_at"]
    readonly_fields = fields


@admin.register(ShopTransfer)
class ShopTransferAdmin(ReadOnlyAdmin):
    list_display = [
        "order",
        "shop",
        "state",
        "amount",
        "amount_sent",
        "currency",
        "destination",
        "provider_ref",
        "attempts",
        "created_at",
    ]
    list_filter = ["state", "currency"]
    search_fields = ["order__number", "shop__name", "provider_ref", "transfer_group"]
    list_select_related = ["order", "shop"]
    readonly_fields = [f.name for f in ShopTransfer._meta.fields]
    inlines = [ReversalInline]
    actions = ["send_again"]

    @admin.action(description=gettext_lazy("Send again (held, failed or waiting transfers)"))
    def send_again(self, request, queryset):
        if not request.user.has_perm("orders.add_payout"):
            raise PermissionDenied
        sent = 0
        for transfer in queryset.filter(
            state__in=[ShopTransfer.State.HELD, ShopTransfer.State.FAILED, "pending"]
        ):
            if transfer.state == ShopTransfer.State.HELD:
                transfers.release_held_transfers(shop=transfer.shop)
            else:
                transfers.send_transfer(transfer.pk)
            sent += 1
        self.message_user(request, _("%(count)d transfer(s) sent again.") % {"count": sent})


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "shop", "amount", "currency", "reference", "state", "created_by"]
    list_filter = ["state", "currency"]
    search_fields = ["reference", "shop__name", "shop__slug"]
    list_select_related = ["shop", "created_by"]
    readonly_fields = [f.name for f in Payout._meta.fields]
    actions = ["mark_returned"]
    change_list_template = "orders/finance/admin/change_list.html"

    def get_urls(self):
        return [
            path(
                "record/",
                self.admin_site.admin_view(self.record_view),
                name="orders_payout_record",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["finance_links"] = [
            (reverse("admin:orders_payout_record"), _("Record a payout"))
        ]
        return super().changelist_view(request, extra_context=extra_context)

    def record_view(self, request):
        def perform(data, actor):
            payout = settlement.record_payout(
                shop=data["shop"],
                amount=data["amount"],
                currency=data["currency"],
                reference=data["reference"],
                note=data["note"],
                actor=actor,
            )
            return _("Payout %(reference)s of %(amount)s %(currency)s recorded.") % {
                "reference": payout.reference,
                "amount": payout.amount,
                "currency": payout.currency,
            }

        return _service_form_view(
            self,
            request,
            form_class=PayoutForm,
            title=_("Record a payout to a shop"),
            perform=perform,
            done_url=reverse("admin:orders_payout_changelist"),
        )

    @admin.action(description=gettext_lazy("Returned by the bank: put the money back"))
    def mark_returned(self, request, queryset):
        if not request.user.has_perm("orders.add_payout"):
            raise PermissionDenied
        done = 0
        for payout in queryset.filter(state=Payout.State.PAID):
            with refusals(request) as outcome:
                settlement.return_payout(
                    payout=payout, actor=request.user, reason=_("Returned by the bank.")
                )
            if outcome.ok:
                done += 1
        self.message_user(request, _("%(count)d payout(s) marked returned.") % {"count": done})
