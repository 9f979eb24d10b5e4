"""Seller pages: stock per SKU with days of cover and reorder suggestions, a SKU's ledger with
stock changes and alert settings, the alerts, and stocktakes."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog import selectors
from catalog.forms import (
    AlertSettingsForm,
    MovementFilterForm,
    StockChangeForm,
    StocktakePostForm,
    StocktakeStartForm,
)
from catalog.models import Stocktake
from catalog.services import inventory, stocktakes
from catalog.views.seller.paging import paginate, query_without_page
from marketplace.core.pages import refusals
from shops import roles
from shops.scoping.models import get_for_shop_or_404
from shops.scoping.views import seller_view

SECTION = roles.INVENTORY


@seller_view(section=SECTION)
def inventory_list(request):
    query = " ".join(request.GET.get("q", "").split())[:100]
    low = request.GET.get("low") == "1"
    page = paginate(
        request, selectors.list_skus_for_shop(shop=request.shop, query=query, low_only=low)
    )
    suggestions = selectors.replenishment_for(page.object_list)
    rows = [(sku, suggestions[sku.pk]) for sku in page.object_list]
    return TemplateResponse(
        request,
        "catalog/seller/inventory_list.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "low": low,
            "page_query": query_without_page(request),
        },
    )


@seller_view(section=SECTION)
def inventory_sku(request, sku_id: int):
    sku = selectors.get_sku_for_shop_or_404(shop=request.shop, pk=sku_id)
    change_form = StockChangeForm(prefix="change")
    settings_form = AlertSettingsForm(
        prefix="alert",
        initial={"warning_line": sku.warning_line, "lead_time_days": sku.lead_time_days},
    )
    if request.method == "POST":
        if "change-quantity" in request.POST:
            change_form = StockChangeForm(request.POST, prefix="change")
            if change_form.is_valid():
                data = change_form.cleaned_data
                receive = data["action"] == "receive"
                change = inventory.receive_stock if receive else inventory.adjust_stock
                with refusals(form=change_form) as outcome:
                    change(
                        sku,
                        data["quantity"],
                        shop=request.shop,
                        actor=request.user,
                        reason=data["reason"],
                    )
                if outcome.ok:
                    messages.success(request, _("The stock is updated."))
                    return redirect("seller:inventory-sku", sku_id=sku.pk)
        else:
            settings_form = AlertSettingsForm(request.POST, prefix="alert")
            if settings_form.is_valid():
                with refusals(form=settings_form) as outcome:
                    inventory.set_alert_settings(
                        sku,
                        shop=request.shop,
                        warning_line=settings_form.cleaned_data["warning_line"],
                        lead_time_days=settings_form.cleaned_data["lead_time_days"],
                    )
                if outcome.ok:
                    messages.success(request, _("The alert settings are saved."))
                    return redirect("seller:inventory-sku", sku_id=sku.pk)
        sku.refresh_from_db()
    page = paginate(request, selectors.list_movements(shop=request.shop, sku_id=sku.pk))
    suggestion = selectors.replenishment_for([sku])[sku.pk]
    return TemplateResponse(
        request,
        "catalog/seller/inventory_sku.html",
        {
            "sku": sku,
            "page": page,
            "suggestion": suggestion,
            "change_form": change_form,
            "settings_form": settings_form,
            "page_query": query_without_page(request),
        },
    )


@seller_view(section=SECTION)
def inventory_alerts(request):
    open_only = request.GET.get("open") == "1"
    page = paginate(request, selectors.list_alerts(shop=request.shop, open_only=open_only))
    return TemplateResponse(
        request,
        "catalog/seller/inventory_alerts.html",
        {"page": page, "open_only": open_only, "page_query": query_without_page(request)},
    )


@seller_view(section=SECTION)
def stock_ledger(request):
    form = MovementFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    page = paginate(request, selectors.list_movements(shop=request.shop, kind=kind))
    return TemplateResponse(
        request,
        "catalog/seller/stock_ledger.html",
        {"page": page, "form": form, "page_query": query_without_page(request)},
    )


# --- Stocktakes ----------------------------------------------------------------------------------
@seller_view(section=SECTION)
def stocktake_list(request):
    form = StocktakeStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        query = form.cleaned_data["query"]
        product_ids = None
        if query:
            product_ids = list(
                selectors.list_products_for_shop(shop=request.shop, query=query).values_list(
                    "pk", flat=True
                )[:5000]
            )
        if product_ids == []:
            form.add_error("query", _("No product matches “%(q)s”.") % {"q": query})
        else:
            with refusals(form=form) as outcome:
                stocktake = stocktakes.start_stocktake(
                    shop=request.shop,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    product_ids=product_ids,
                )
            if outcome.ok:
                return redirect("seller:stocktake-detail", stocktake_id=stocktake.pk)
    page = paginate(request, selectors.list_stocktakes(shop=request.shop))
    return TemplateResponse(
        request,
        "catalog/seller/stocktake_list.html",
        {"page": page, "form": form, "page_query": ""},
    )


@seller_view(section=SECTION)
def stocktake_detail(request, stocktake_id: int):
    stocktake = get_for_shop_or_404(Stocktake, shop=request.shop, pk=stocktake_id)
    page = paginate(request, selectors.stocktake_lines(stocktake), default=50)
    post_form = StocktakePostForm(prefix="post")
    if request.method == "POST" and stocktake.is_open:
        if "post-reason" in request.POST:
            post_form = StocktakePostForm(request.POST, prefix="post")
            if post_form.is_valid():
                with refusals(form=post_form) as outcome:
                    result = stocktakes.post_stocktake(
                        stocktake,
                        shop=request.shop,
                        actor=request.user,
                        reason=post_form.cleaned_data["reason"],
                    )
                if outcome.ok:
                    changed = sum(1 for _before, difference in result.values() if difference)
                    messages.success(request, _("Posted: %(n)d SKU(s) adjusted.") % {"n": changed})
                    return redirect("seller:stocktake-detail", stocktake_id=stocktake.pk)
        else:
            counts, bad = _read_counts(request, page.object_list)
            if bad:
                messages.error(
                    request,
                    _("Counts are whole numbers, 0 or more: %(skus)s.") % {"skus": ", ".join(bad)},
                )
            else:
                with refusals(request) as outcome:
                    stocktakes.record_counts(
                        stocktake, counts, shop=request.shop, actor=request.user
                    )
                if outcome.ok:
                    messages.success(request, _("The counts are saved."))
                    return redirect(f"{request.path}?{request.GET.urlencode()}")
    lines = list(page.object_list)
    return TemplateResponse(
        request,
        "catalog/seller/stocktake_detail.html",
        {
            "stocktake": stocktake,
            "page": page,
            "rows": [
                (line, None if line.counted is None else line.counted - line.sku.stock)
                for line in lines
            ],
            "post_form": post_form,
            "page_query": query_without_page(request),
            "differences": sum(
                1 for line in lines if line.counted is not None and line.counted != line.sku.stock
            ),
        },
    )


def _read_counts(request, lines) -> tuple[dict, list[str]]:
    counts, bad = {}, []
    for line in lines:
        raw = request.POST.get(f"count-{line.pk}")
        if raw is None:
            continue
        raw = raw.strip()
        if raw == "":
            counts[line.pk] = None
        elif raw.isdigit() and len(raw) <= 7:
            counts[line.pk] = int(raw)
        else:
            bad.append(line.sku.code)
    return counts, bad


@require_POST
@seller_view(section=SECTION)
def stocktake_cancel(request, stocktake_id: int):
    stocktake = get_for_shop_or_404(Stocktake, shop=request.shop, pk=stocktake_id)
    with refusals(request):
        stocktakes.cancel_stocktake(stocktake, shop=request.shop, actor=request.user)
    return redirect("seller:stocktake-list")
