"""The seller's finance section (seller center, section `finance`): balance, ledger, settlement
statements (with a streamed CSV) and Stripe Connect onboarding.

Every view goes through `shops.scoping.seller_view(section=FINANCE)`; statements are fetched with
`get_for_shop_or_404`, so another shop's statement is a 404. The views only read (through
`orders.finance.services.ledger`'s selectors) or call one service
(`transfers.start_stripe_onboarding`, `transfers.finish_stripe_onboarding`); nothing here writes
the ledger. A refusal by a service is shown as a message (`marketplace.core.pages.refusals`).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from marketplace.core import exports
from marketplace.core.pages import refusals
from orders.finance.services import ledger, settlement, transfers
from orders.models import LedgerEntry, Statement
from orders.payments.stripe import StripeUnavailable
from shops.roles import FINANCE
from shops.scoping.models import get_for_shop_or_404
from shops.scoping.views import seller_view

PAGE_SIZE = 50
RECENT = 8


class LedgerFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("All kinds")), *LedgerEntry.Kind.choices],
    )
    state = forms.ChoiceField(
        label=gettext_lazy("Balance"),
        required=False,
        choices=[
            ("", gettext_lazy("Pending and available")),
            ("pending", gettext_lazy("Pending")),
            ("available", gettext_lazy("Available")),
        ],
    )
    booked_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    booked_to = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    order = forms.CharField(label=gettext_lazy("Order number"), required=False, max_length=20)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("booked_from"), cleaned.get("booked_to")
        if start and end and end < start:
            self.add_error("booked_to", _("The end date is before the start date."))
        return cleaned


@seller_view(section=FINANCE)
def finance_overview(request):
    shop = request.shop
    balances = ledger.balances(shop)
    return TemplateResponse(
        request,
        "orders/finance/overview.html",
        {
            "balances": balances,
            "held": list(ledger.held_transfers(shop)[:20]),
            "recent": list(ledger.list_entries(shop)[:RECENT]),
            "statements": list(ledger.list_statements(shop)[:4]),
            "stripe_available": transfers.stripe_onboarding_available(),
        },
    )


@seller_view(section=FINANCE)
def finance_ledger(request):
    form = LedgerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(ledger.list_entries(request.shop, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "orders/finance/ledger.html",
        {"form": form, "page": page, "query": query.urlencode(), "now": timezone.now()},
    )


@seller_view(section=FINANCE)
def finance_statements(request):
    page = Paginator(ledger.list_statements(request.shop), 24).get_page(request.GET.get("page"))
    return TemplateResponse(request, "orders/finance/statements.html", {"page": page})


def _statement(request, statement_id) -> Statement:
    return get_for_shop_or_404(Statement, shop=request.shop, pk=statement_id)


@seller_view(section=FINANCE)
def finance_statement(request, statement_id):
    statement = _statement(request, statement_id)
    page = Paginator(settlement.statement_entries(statement), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return TemplateResponse(
        request,
        "orders/finance/statement_detail.html",
        {"statement": statement, "page": page},
    )


def _statement_rows(statement: Statement):
    """The statement's rows for its CSV: amounts as numbers, text made safe by the writer."""
    yield [
        _("Booked at"),
        _("Kind"),
        _("Order"),
        _("Memo"),
        _("Amount"),
        _("Currency"),
        _("Available from"),
    ]
    labels = dict(LedgerEntry.Kind.choices)
    fields = ("created_at", "kind", "order_number", "memo", "amount", "currency", "available_at")
    for row in (
        settlement.statement_entries(statement).values_list(*fields).iterator(chunk_size=2000)
    ):
        booked, kind, number, memo, amount, currency, available = row
        yield [
            timezone.localtime(booked).strftime("%Y-%m-%d %H:%M:%S"),
            labels.get(kind, kind),
            number,
            memo,
            amount,
            currency,
            timezone.localtime(available).strftime("%Y-%m-%d %H:%M:%S") if available else "",
        ]
    yield []
    for label, value in (
        (_("Opening balance"), statement.opening_balance),
        (_("Closing balance"), statement.closing_balance),
    ):
        yield [label, "", "", "", value, statement.currency, ""]


@seller_view(section=FINANCE)
def finance_statement_csv(request, statement_id):
    statement = _statement(request, statement_id)
    response = StreamingHttpResponse(
        exports.csv_lines(_statement_rows(statement)), content_type="text/csv; charset=utf-8"
    )
    name = f"statement-{request.shop.slug}-{statement.period_start:%Y%m%d}-{statement.currency}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@seller_view(section=FINANCE)
def finance_stripe_connect(request):
    """Start (or continue) Stripe Connect onboarding: Stripe's hosted page, then back here."""
    if not transfers.stripe_onboarding_available():
        messages.error(request, _("Payouts by Stripe are not available on this platform."))
        return redirect("seller:finance")
    try:
        with refusals(request) as outcome:
            url = transfers.start_stripe_onboarding(
                shop=request.shop,
                actor=request.user,
                return_url=request.build_absolute_uri(reverse("seller:finance-stripe-return")),
                refresh_url=request.build_absolute_uri(reverse("seller:finance")),
            )
    except StripeUnavailable:
        messages.error(request, _("Stripe could not be reached; try again in a moment."))
        return redirect("seller:finance")
    return redirect(url if outcome.ok else "seller:finance")


@seller_view(section=FINANCE)
def finance_stripe_return(request):
    """Back from Stripe's onboarding: check the account with Stripe (never the URL)."""
    try:
        with refusals(request) as outcome:
            ready = transfers.finish_stripe_onboarding(shop=request.shop)
    except StripeUnavailable:
        messages.error(request, _("Stripe could not be reached; try again in a moment."))
        return redirect("seller:finance")
    if outcome.ok and ready:
        messages.success(request, _("Your Stripe account is connected: transfers will go to it."))
    elif outcome.ok and request.shop.stripe_account_id:
        messages.info(
            request,
            _("Stripe still needs some details from you before it can receive transfers."),
        )
    return redirect("seller:finance")
