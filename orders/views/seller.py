"""The seller's order desk (seller center). Every view goes through `shops.scoping`
(`seller_view(section="orders")`), and every order comes from `selectors.get_order_for_shop_or_404`:
another shop's order, a missing one and a malformed number are the same 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from marketplace.core.pages import refusals
from orders import forms, selectors, services
from orders.models import Order
from shops.roles import ORDERS
from shops.scoping.views import seller_view

PAGE_SIZE = 20
MAX_SLIPS = 50


@seller_view(section=ORDERS)
def order_list(request):
    form = forms.SellerOrderFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    page = Paginator(
        selectors.list_orders_for_shop(request.shop, filters=filters, now=now), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "orders/seller/order_list.html",
        {
            "form": form,
            "page": page,
            "counts": selectors.desk_counts(request.shop, now=now),
            "now": now,
            "query": query.urlencode(),
        },
    )


@seller_view(section=ORDERS)
def order_detail(request, number):
    order = selectors.get_order_for_shop_or_404(request.shop, number)
    return TemplateResponse(
        request,
        "orders/seller/order_detail.html",
        {
            "order": order,
            "lines": selectors.order_lines(order),
            "timeline": selectors.order_timeline(order),
            "cancel_form": forms.SellerCancelForm(),
            "flag_form": forms.FlagProblemForm(prefix="flag"),
        },
    )


@require_POST
@seller_view(section=ORDERS)
def order_accept(request, number):
    order = selectors.get_order_for_shop_or_404(request.shop, number)
    with refusals(request) as outcome:
        services.accept_order(order, shop=request.shop, actor=request.user)
    if outcome.ok:
        messages.success(request, _("Order %(number)s accepted.") % {"number": order.number})
    return redirect("seller:order-detail", number=order.number)


@require_POST
@seller_view(section=ORDERS)
def order_cancel(request, number):
    order = selectors.get_order_for_shop_or_404(request.shop, number)
    form = forms.SellerCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reason for cancelling; the buyer will read it."))
        return redirect("seller:order-detail", number=order.number)
    with refusals(request) as outcome:
        services.cancel_order(
            order,
            by=Order.CancelledBy.SELLER,
            actor=request.user,
            reason=form.full_reason(),
            shop=request.shop,
        )
    if outcome.ok:
        messages.success(request, _("Order %(number)s cancelled.") % {"number": order.number})
    return redirect("seller:order-detail", number=order.number)


@require_POST
@seller_view(section=ORDERS)
def order_resolve(request, number):
    order = selectors.get_order_for_shop_or_404(request.shop, number)
    with refusals(request) as outcome:
        services.resolve_problem(
            order, shop=request.shop, actor=request.user, note=request.POST.get("note", "")
        )
    if outcome.ok:
        messages.success(request, _("Exception resolved."))
    return redirect("seller:order-detail", number=order.number)


@require_POST
@seller_view(section=ORDERS)
def order_flag(request, number):
    """Raise an exception on the order (stock short, address problem …): it shows in the desk's
    "exceptions" filter with a deadline until someone resolves it."""
    order = selectors.get_order_for_shop_or_404(request.shop, number)
    form = forms.FlagProblemForm(request.POST, prefix="flag")
    if not form.is_valid():
        messages.error(request, _("Choose the kind of problem."))
    elif not order.is_open:
        messages.error(request, _("Only open orders can be flagged."))
    else:
        services.flag_problem(
            order,
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
        messages.success(request, _("The problem is flagged on the order."))
    return redirect("seller:order-detail", number=order.number)


@require_POST
@seller_view(section=ORDERS)
def orders_bulk_accept(request):
    numbers = request.POST.getlist("numbers")
    if not numbers:
        messages.error(request, _("Tick the orders to accept first."))
        return redirect("seller:orders")
    accepted, refused = services.accept_orders(
        shop=request.shop, actor=request.user, numbers=numbers
    )
    if accepted:
        messages.success(
            request,
            ngettext("%(count)d order accepted.", "%(count)d orders accepted.", len(accepted))
            % {"count": len(accepted)},
        )
    for number, why in refused:
        messages.error(request, f"{number}: {why}")
    return redirect("seller:orders")


@seller_view(section=ORDERS)
def order_packing_slip(request, number):
    order = selectors.get_order_for_shop_or_404(request.shop, number)
    slips = [{"order": order, "lines": selectors.order_lines(order)}]
    return TemplateResponse(
        request, "orders/seller/packing_slip.html", {"slips": slips, "printed_at": timezone.now()}
    )


@seller_view(section=ORDERS)
def orders_packing_slips(request):
    """Bulk print: the packing slips of the ticked orders (of this shop only), one per page."""
    numbers = [n for n in request.GET.getlist("numbers") if n.strip()][:MAX_SLIPS]
    orders = list(
        selectors.list_orders_for_shop(request.shop).filter(number__in=numbers).order_by("number")
    )
    if not orders:
        messages.error(request, _("Tick the orders to print first."))
        return redirect("seller:orders")
    slips = [{"order": order, "lines": list(order.lines.all())} for order in orders]
    return TemplateResponse(
        request, "orders/seller/packing_slip.html", {"slips": slips, "printed_at": timezone.now()}
    )
