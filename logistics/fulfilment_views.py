"""Seller-center fulfilment pages (section "shipping"): orders to ship, the ship form, pick lists
and packing slips (print view and PDF), bulk shipping by CSV, the shop's parcels, and its
delivery performance (carrier scorecard, late-shipment rate, alerts).

Thin: parse, authorise (`shops.scoping.seller_view`), call one service, render. Orders are read
and shipped through `logistics.order_source` (the orders chapter's implementation, scoped to
`request.shop`: another shop's order is a 404), so shipping moves the order through orders'
own services and logistics never imports orders.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from logistics import forms, order_source, printing, selectors, services
from logistics.errors import RowErrors
from logistics.order_source import Parcel
from logistics.services.alerts import stall_after
from logistics.services.fulfilment import EXAMPLE_CSV
from marketplace.core.errors import DomainError
from shops.roles import SHIPPING
from shops.scoping.views import seller_view

PAGE_SIZE = 20
MAX_PRINT = 50


def _deadlines(order, now):
    """(ship by, late?, estimated delivery) of an order that has not shipped everything."""
    if order.paid_at is None:
        return None, False, None
    ship_by = order.paid_at + services.ship_within()
    estimate = services.estimate_for_unshipped(order.paid_at, order.province_code, now=now)
    return ship_by, now > ship_by, estimate


@seller_view(section=SHIPPING)
def to_ship(request):
    """Orders with goods left to ship, the oldest payment first, with their shipping deadline."""
    now = timezone.now()
    page = Paginator(order_source.get().orders_to_ship(shop=request.shop), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = []
    for order in page.object_list:
        ship_by, late, estimate = _deadlines(order, now)
        rows.append({"order": order, "ship_by": ship_by, "late": late, "estimate": estimate})
    return TemplateResponse(
        request,
        "logistics/seller/to_ship.html",
        {
            "page": page,
            "rows": rows,
            "hours": int(services.ship_within().total_seconds() // 3600),
            "has_carriers": selectors.list_shop_carriers(request.shop).exists(),
            "tab": "to-ship",
        },
    )


@seller_view(section=SHIPPING)
def ship_order(request, number):
    """One order: ship a parcel (all or some of what is left), and its parcels' tracking."""
    source = order_source.get()
    order = source.get_order(shop=request.shop, number=number)
    if order is None:
        raise Http404
    carriers = list(selectors.list_shop_carriers(request.shop).filter(carrier__is_active=True))
    form = forms.ShipForm(request.POST or None, order=order, carriers=carriers)
    status = 200
    if request.method == "POST":
        if not order.shippable:  # the service says why (unpaid, cancelled, all shipped): 409
            try:
                source.ship(
                    shop=request.shop,
                    actor=request.user,
                    parcel=Parcel(order_number=order.number, carrier_id=0, tracking_number=""),
                    request=request,
                )
            except DomainError as error:
                form.apply_domain_error(error)
                status = error.status_code
        elif form.is_valid():
            try:
                shipment = source.ship(
                    shop=request.shop, actor=request.user, parcel=form.parcel(), request=request
                )
            except DomainError as error:
                form.apply_domain_error(error)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("Shipped with %(carrier)s, tracking number %(number)s.")
                    % {"carrier": shipment.carrier.name, "number": shipment.tracking_number},
                )
                return redirect("seller:logistics-ship-order", number=order.number)
        else:
            status = 400
    now = timezone.now()
    ship_by, late, estimate = _deadlines(order, now)
    return TemplateResponse(
        request,
        "logistics/seller/ship_order.html",
        {
            "order": order,
            "form": form,
            "shipments": list(selectors.shipments_of_order(shop=request.shop, order_id=order.id)),
            "ship_by": ship_by,
            "late": late,
            "estimate": estimate,
            "tab": "to-ship",
        },
        status=status,
    )


def _selected_orders(request):
    numbers = [n.strip() for n in request.GET.getlist("numbers") if n.strip()][:MAX_PRINT]
    if not numbers:
        return []
    return order_source.get().list_orders(shop=request.shop, numbers=numbers)


@require_GET
@seller_view(section=SHIPPING)
def pick_list(request):
    """Print view: what to take from the shelves for the ticked orders, summed per SKU."""
    orders = _selected_orders(request)
    if not orders:
        messages.error(request, _("Tick the orders to print first."))
        return redirect("seller:logistics-to-ship")
    return TemplateResponse(
        request,
        "logistics/seller/pick_list.html",
        {
            "orders": orders,
            "rows": services.pick_list(orders),
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
        messages.error(request, _("Tick the orders to print first."))
        return redirect("seller:logistics-to-ship")
    now = timezone.now()
    content = printing.pick_list_pdf(
        shop=request.shop, rows=services.pick_list(orders), orders=orders, printed_at=now
    )
    return _pdf(content, f"pick-list-{now:%Y%m%d-%H%M}.pdf")


@require_GET
@seller_view(section=SHIPPING)
def packing_slips_pdf(request):
    orders = _selected_orders(request)
    if not orders:
        messages.error(request, _("Tick the orders to print first."))
        return redirect("seller:logistics-to-ship")
    now = timezone.now()
    content = printing.packing_slips_pdf(shop=request.shop, orders=orders, printed_at=now)
    name = orders[0].number if len(orders) == 1 else f"{now:%Y%m%d-%H%M}"
    return _pdf(content, f"packing-slips-{name}.pdf")


@seller_view(section=SHIPPING)
def bulk_ship(request):
    """Upload a CSV of tracking numbers: every row ships, or none does and each problem is
    listed with its row."""
    form = forms.BulkShipForm(request.POST or None, request.FILES or None)
    row_errors = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = services.bulk_ship(
                    shop=request.shop,
                    actor=request.user,
                    data=form.cleaned_data["file"].read(),
                    request=request,
                )
            except RowErrors as refused:
                row_errors = refused.rows
                form.add_error(None, str(refused.message))
            except DomainError as error:
                form.add_error("file" if error.field == "file" else None, str(error.message))
            else:
                count = len(result.shipments)
                messages.success(
                    request,
                    ngettext("%(count)d parcel shipped.", "%(count)d parcels shipped.", count)
                    % {"count": count},
                )
                return redirect("seller:logistics-shipments")
    return TemplateResponse(
        request,
        "logistics/seller/bulk_ship.html",
        {"form": form, "row_errors": row_errors, "tab": "bulk"},
        status=status,
    )


@require_GET
@seller_view(section=SHIPPING)
def bulk_ship_example(request):
    response = HttpResponse("\ufeff" + EXAMPLE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="bulk-ship-example.csv"'
    return response


@seller_view(section=SHIPPING)
def shipments(request):
    """The shop's parcels: on the way, exceptions, no recent update, delivered."""
    form = forms.ShipmentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    stalled_before = timezone.now() - stall_after()
    state = filters.get("state") or ""
    queryset = selectors.list_shipments(
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
        "logistics/seller/shipments.html",
        {
            "form": form,
            "page": page,
            "counts": selectors.shipment_counts(request.shop, stalled_before=stalled_before),
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
        "logistics/seller/performance.html",
        {
            "form": form,
            "days": days,
            "late": late,
            "hours": int(services.ship_within().total_seconds() // 3600),
            "scores": selectors.carrier_scorecard(shop=request.shop, since=since),
            "alerts": list(selectors.list_alerts(request.shop)),
            "tab": "performance",
        },
    )
