"""Seller-center fulfilment pages (section "shipping"): orders to ship, the ship form, pick lists
and packing slips (print view and PDF), bulk shipping by CSV, the shop's parcels, and its
delivery performance (carrier scorecard, late-shipment rate, alerts).

Thin: parse, authorise (`shops.scoping.seller_view`), call one service, render. Orders come from
`orders.fulfilment.selectors`, scoped to `request.shop` (another shop's order is a 404); parcels,
carriers and scorecards from `logistics.selectors`.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from logistics import selectors as logistics_selectors
from logistics import services as logistics_services
from marketplace.core import exports
from marketplace.core.pages import refusals
from orders.fulfilment import forms, printing, selectors, services
from shops.roles import SHIPPING
from shops.scoping.views import seller_view

PAGE_SIZE = 20
MAX_PRINT = 50


@seller_view(section=SHIPPING)
def to_ship(request):
    """Orders with goods left to ship, the oldest payment first, with their shipping deadline."""
    now = timezone.now()
    page = Paginator(selectors.list_orders_to_ship(request.shop), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {"order": order, "deadline": selectors.deadline(order, now=now)}
        for order in page.object_list
    ]
    return TemplateResponse(
        request,
        "orders/fulfilment/to_ship.html",
        {
            "page": page,
            "rows": rows,
            "hours": selectors.ship_within_hours(),
            "has_carriers": logistics_selectors.list_shop_carriers(request.shop).exists(),
            "tab": "to-ship",
        },
    )


@seller_view(section=SHIPPING)
def ship_order(request, number):
    """One order: ship a parcel (all or some of what is left), and its parcels' tracking."""
    order = selectors.get_order_for_shipping_or_404(request.shop, number)
    carriers = list(
        logistics_selectors.list_shop_carriers(request.shop).filter(carrier__is_active=True)
    )
    form = forms.ShipForm(request.POST or None, order=order, carriers=carriers)
    refusal = selectors.why_cannot_ship(order)
    status = HTTPStatus.OK
    if request.method == "POST":
        if refusal is not None:  # unpaid, cancelled, all shipped: the form cannot help
            form.add_error(None, refusal)
            status = HTTPStatus.CONFLICT
        elif form.is_valid():
            with refusals(form=form) as outcome:
                shipment = services.ship_parcel(
                    shop=request.shop, actor=request.user, parcel=form.parcel(), request=request
                )
            if outcome.ok:
                messages.success(
                    request,
                    _("Shipped with %(carrier)s, tracking number %(number)s.")
                    % {"carrier": shipment.carrier.name, "number": shipment.tracking_number},
                )
                return redirect("seller:orders-ship-order", number=order.number)
            status = outcome.error.status_code
        else:
            status = HTTPStatus.BAD_REQUEST
    return TemplateResponse(
        request,
        "orders/fulfilment/ship_order.html",
        {
            "order": order,
            "form": form,
            "shippable": refusal is None,
            "shipments": list(
                logistics_selectors.shipments_of_order(shop=request.shop, order_id=order.pk)
            ),
            "deadline": selectors.deadline(order),
            "tab": "to-ship",
        },
        status=status,
    )


def _selected_orders(request):
    numbers = [n.strip() for n in request.GET.getlist("numbers") if n.strip()][:MAX_PRINT]
    return selectors.list_orders_by_number(request.shop, numbers)


def _nothing_ticked(request):
    messages.error(request, _("Tick the orders to print first."))
    return redirect("seller:orders-to-ship")


@require_GET
@seller_view(section=SHIPPING)
def pick_list(request):
    """Print view: what to take from the shelves for the ticked orders, summed per SKU."""
    orders = _selected_orders(request)
    if not orders:
        return _nothing_ticked(request)
    return TemplateResponse(
        request,
        "orders/fulfilment/pick_list.html",
        {
            "orders": orders,
            "rows": selectors.pick_list(orders),
            "printed_at": timezone.now(),
            "numbers": [order.number for order in orders],
        },
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@seller_view(section=SHIPPING)
def pick_list_pdf(request):
    orders = _selected_orders(request)
    if not orders:
        return _nothing_ticked(request)
    now = timezone.now()
    content = printing.pick_list_pdf(
        shop=request.shop, rows=selectors.pick_list(orders), orders=orders, printed_at=now
    )
    return _pdf(content, f"pick-list-{now:%Y%m%d-%H%M}.pdf")


@require_GET
@seller_view(section=SHIPPING)
def packing_slips_pdf(request):
    orders = _selected_orders(request)
    if not orders:
        return _nothing_ticked(request)
    now = timezone.now()
    content = printing.packing_slips_pdf(shop=request.shop, orders=orders, printed_at=now)
    name = orders[0].number if len(orders) == 1 else f"{now:%Y%m%d-%H%M}"
    return _pdf(content, f"packing-slips-{name}.pdf")


@seller_view(section=SHIPPING)
def bulk_ship(request):
    """Upload a CSV of tracking numbers: every row ships, or none does and each problem is
    listed with its row."""
    form = forms.BulkShipForm(request.POST or None, request.FILES or None)
    status = HTTPStatus.OK
    if request.method == "POST":
        status = HTTPStatus.BAD_REQUEST
        if form.is_valid():
            with refusals(form=form) as outcome:
                result = services.bulk_ship(
                    shop=request.shop,
                    actor=request.user,
                    data=form.cleaned_data["file"].read(),
                    request=request,
                )
            if outcome.ok:
                count = len(result.shipments)
                messages.success(
                    request,
                    ngettext("%(count)d parcel shipped.", "%(count)d parcels shipped.", count)
                    % {"count": count},
                )
                return redirect("seller:orders-shipments")
    return TemplateResponse(
        request,
        "orders/fulfilment/bulk_ship.html",
        {"form": form, "row_errors": form.row_errors, "tab": "bulk"},
        status=status,
    )


@require_GET
@seller_view(section=SHIPPING)
def bulk_ship_example(request):
    response = HttpResponse(
        exports.csv_bytes(logistics_services.EXAMPLE_ROWS), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="bulk-ship-example.csv"'
    return response


@seller_view(section=SHIPPING)
def shipments(request):
    """The shop's parcels: on the way, exceptions, no recent update, delivered."""
    form = forms.ShipmentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    stalled_before = timezone.now() - logistics_services.stall_after()
    state = filters.get("state") or ""
    queryset = logistics_selectors.list_shipments(
        request.shop,
        state="" if state == "stalled" else state,
        stalled_before=stalled_before if state == "stalled" else None,
        query=filters.get("q") or "",
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "orders/fulfilment/shipments.html",
        {
            "form": form,
            "page": page,
            "counts": logistics_selectors.shipment_counts(
                request.shop, stalled_before=stalled_before
            ),
            "stalled_before": stalled_before,
            "query": query.urlencode(),
            "tab": "shipments",
        },
    )


@seller_view(section=SHIPPING)
def performance(request):
    """The shop's delivery record: late-shipment rate, carrier scorecard, recent alerts."""
    form = forms.PeriodForm(request.GET or None)
    days = (form.cleaned_data.get("days") if form.is_valid() else None) or 30
    since = timezone.now() - timedelta(days=days)
    late = selectors.late_shipment_rates(since=since, shop_id=request.shop.pk).get(request.shop.pk)
    return TemplateResponse(
        request,
        "orders/fulfilment/performance.html",
        {
            "form": form,
            "days": days,
            "late": late,
            "hours": selectors.ship_within_hours(),
            "scores": logistics_selectors.carrier_scorecard(shop=request.shop, since=since),
            "alerts": list(logistics_selectors.list_alerts(request.shop)),
            "tab": "performance",
        },
    )
