"""The buyer's orders: the list, one order, cancel, pay again, confirm receipt."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.core.pages import refusals
from orders import forms, selectors, services
from orders.models import Order, Payment
from orders.views.storefront.checkout import redirect_to_payment


@login_required
def order_list(request):
    tab = request.GET.get("tab", "")
    if tab not in selectors.BUYER_TABS:
        tab = ""
    page = Paginator(selectors.list_orders_for_buyer(request.user, tab=tab), 10).get_page(
        request.GET.get("page")
    )
    return TemplateResponse(request, "orders/order_list.html", {"page": page, "tab": tab})


@login_required
def order_detail(request, number):
    order = selectors.get_order_for_buyer_or_404(request.user, number)
    return TemplateResponse(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "lines": selectors.order_lines(order),
            "timeline": selectors.order_timeline(order),
            "cancel_form": forms.CancelForm(),
            "payment": selectors.latest_payment(order.checkout),
        },
    )


@login_required
@require_POST
def order_cancel(request, number):
    order = selectors.get_order_for_buyer_or_404(request.user, number)
    form = forms.CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    with refusals(request) as outcome:
        services.cancel_order(order, by=Order.CancelledBy.BUYER, actor=request.user, reason=reason)
    if outcome.ok:
        messages.success(request, _("Order %(number)s was cancelled.") % {"number": order.number})
    return redirect(order.get_absolute_url())


@login_required
@require_POST
def order_pay(request, number):
    order = selectors.get_order_for_buyer_or_404(request.user, number)
    with refusals(request) as outcome:
        payment = services.pay_again(order=order, buyer=request.user)
    if not outcome.ok:
        return redirect(order.get_absolute_url())
    if payment.state != Payment.State.PENDING:
        messages.error(
            request, payment.failure_reason or _("The payment could not be started; try again.")
        )
        return redirect(order.get_absolute_url())
    return redirect_to_payment(order.checkout, payment)


@login_required
@require_POST
def order_confirm_receipt(request, number):
    order = selectors.get_order_for_buyer_or_404(request.user, number)
    with refusals(request) as outcome:
        services.confirm_receipt(order, buyer=request.user)
    if outcome.ok:
        messages.success(request, _("Thank you: receipt confirmed."))
    return redirect(order.get_absolute_url())
