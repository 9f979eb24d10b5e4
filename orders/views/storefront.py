"""Storefront pages of orders: cart, the three checkout steps, the buyer's orders, test payments.

Thin: parse, find the buyer's own objects (another buyer's order or checkout is a 404), call one
service, render. A refused action (`DomainError`) becomes a message or a form error through
`marketplace.core.pages.refusals`, never a 500.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import Sku
from logistics.errors import LogisticsError
from marketplace.accounts import services as account_services
from marketplace.accounts.forms import AddressForm
from marketplace.core.pages import refusals, show_as_message, show_on_form
from orders import forms, selectors, services
from orders.models import Checkout, Order, Payment
from orders.payments import get_provider
from orders.services.cart import cart_of_user, guest_cart, new_guest_cart
from orders.services.placement import refused_summary
from orders.shipping import estimate_quoter, quoter_for

CHECKOUT_ADDRESS = "orders_checkout_address"
CHECKOUT_TOKEN = "orders_checkout_token"  # noqa: S105 - a session key, not a secret


# --- The visitor's cart ---------------------------------------------------------------------------
def cart_for_request(request, *, create: bool = False):
    """The signed-in buyer's cart, or the guest's (by the token in the session)."""
    if request.user.is_authenticated:
        return cart_of_user(request.user, create=create)
    cart = guest_cart(selectors.session_cart_token(request))
    if cart is None and create:
        cart = new_guest_cart()
        request.session[selectors.CART_SESSION_KEY] = str(cart.token)
    return cart


def _default_address(user):
    if not user.is_authenticated:
        return None
    return user.addresses.order_by("-is_default", "-updated_at").first()


def _back(request, default="cart"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def cart(request):
    cart = cart_for_request(request)
    address = _default_address(request.user)
    quoter = estimate_quoter()
    if address is not None:
        try:
            quoter = quoter_for(province=address.province)
        except LogisticsError:  # a province logistics does not know: shipping "at checkout"
            address = None
    summary = selectors.summarise_cart(cart, buyer=request.user, quoter=quoter)
    return TemplateResponse(request, "orders/cart.html", {"summary": summary, "address": address})


def cart_add(request):
    """GET: a small "add to cart" page for a SKU (product pages post here directly).
    POST: add it and go back to the cart (or `next`)."""
    if request.method == "POST":
        form = forms.AddToCartForm(request.POST)
        if form.is_valid():
            with refusals(request) as outcome:
                services.add_to_cart(
                    cart=cart_for_request(request, create=True),
                    sku_id=form.cleaned_data["sku"],
                    quantity=form.cleaned_data["quantity"],
                )
            if outcome.ok:
                messages.success(request, _("Added to your cart."))
                return _back(request)
        else:
            messages.error(request, _("Enter a quantity from 1 to 999."))
        sku_id = request.POST.get("sku")
    else:
        sku_id = request.GET.get("sku")
        form = forms.AddToCartForm(initial={"sku": sku_id, "quantity": 1})
    try:
        sku = Sku.objects.select_related("product", "shop").filter(pk=int(sku_id)).first()
    except (TypeError, ValueError):
        sku = None
    if sku is None:
        raise Http404
    _code, problem = selectors.sku_problem(sku)
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(
        request,
        "orders/add_to_cart.html",
        {"sku": sku, "form": form, "problem": problem},
        status=status,
    )


@require_POST
def cart_line_update(request, line_id):
    cart = cart_for_request(request)
    if cart is None:
        raise Http404
    with refusals(request):
        services.update_quantity(cart=cart, line_id=line_id, quantity=request.POST.get("quantity"))
    return redirect("cart")


@require_POST
def cart_line_remove(request, line_id):
    cart = cart_for_request(request)
    if cart is None:
        raise Http404
    with refusals(request) as outcome:
        services.remove_line(cart=cart, line_id=line_id)
    if outcome.ok:
        messages.success(request, _("Removed from your cart."))
    return redirect("cart")


@require_POST
def cart_accept_prices(request):
    cart = cart_for_request(request)
    if cart is not None:
        services.accept_current_prices(cart=cart)
    return redirect("cart")


# --- Checkout: 1 address, 2 review and pay, 3 done ------------------------------------------------
@login_required
def checkout_address(request):
    user = request.user
    summary = selectors.summarise_cart(
        cart_for_request(request), buyer=user, quoter=estimate_quoter()
    )
    if summary.is_empty:
        messages.info(request, _("Your cart is empty."))
        return redirect("cart")
    has_addresses = user.addresses.exists()
    choice_form = forms.AddressChoiceForm(
        request.POST if request.POST.get("step") == "choose" else None,
        user=user,
        initial={"address": request.session.get(CHECKOUT_ADDRESS) or _default_address(user)},
    )
    address_form = AddressForm(
        request.POST if request.POST.get("step") == "new" else None,
        prefix="new",
        initial={"is_default": not has_addresses},
    )
    if request.method == "POST":
        if request.POST.get("step") == "choose" and choice_form.is_valid():
            request.session[CHECKOUT_ADDRESS] = choice_form.cleaned_data["address"].pk
            return redirect("checkout-review")
        if request.POST.get("step") == "new" and address_form.is_valid():
            data = dict(address_form.cleaned_data)
            is_default = data.pop("is_default", False)
            with refusals(form=address_form) as outcome:
                address = account_services.save_address(user=user, is_default=is_default, **data)
            if outcome.ok:
                request.session[CHECKOUT_ADDRESS] = address.pk
                return redirect("checkout-review")
    return TemplateResponse(
        request,
        "orders/checkout_address.html",
        {
            "choice_form": choice_form,
            "address_form": address_form,
            "has_addresses": has_addresses,
            "summary": summary,
            "step": 1,
        },
    )


def _checkout_token(request) -> str:
    token = request.session.get(CHECKOUT_TOKEN)
    if not token:
        token = str(uuid.uuid4())
        request.session[CHECKOUT_TOKEN] = token
    return token


@login_required
def checkout_review(request):
    """Step 2. A submit is parsed without pricing the cart here: `place_order` prices it once,
    under its locks. A refused submit shows the page again with the cart as the service priced
    it, or, when it refused before pricing, priced here once."""
    user = request.user
    address = user.addresses.filter(pk=request.session.get(CHECKOUT_ADDRESS)).first()
    if address is None:
        messages.info(request, _("Choose where to deliver first."))
        return redirect("checkout")
    posted = request.method == "POST"
    refusal = summary = None
    if posted and not request.POST.get("recalculate"):
        quick = forms.ReviewForm(request.POST, shop_ids=selectors.cart_shop_ids(buyer=user))
        if quick.is_valid():
            with refusals(form=quick) as outcome:  # shown below, on the page's own form
                placement = services.place_order(
                    buyer=user,
                    token=quick.cleaned_data["token"],
                    address=address,
                    choices=quick.choices(),
                    invoice=quick.invoice(),
                    expected_total=quick.cleaned_data.get("expected_total"),
                )
            if outcome.ok:  # placed now, or placed by an earlier submit of this token
                request.session.pop(CHECKOUT_TOKEN, None)
                return _to_payment(placement.checkout, placement.payment)
            refusal = outcome.error
            summary = refused_summary(refusal)
    if summary is None:
        with refusals(request) as outcome:
            summary = _review_summary(
                cart_for_request(request), user, address, request.POST if posted else None
            )
        if not outcome.ok:
            return redirect("checkout")
    if summary.is_empty or not summary.purchasable_items:
        messages.info(request, _("Nothing in your cart can be bought now."))
        return redirect("cart")
    token = _checkout_token(request)
    total = summary.priced.grand_total

    def fresh_data():
        data = request.POST.copy()
        data["expected_total"] = str(total)
        data["token"] = token
        return data

    if not posted:
        form = forms.ReviewForm(
            initial={"token": token, "expected_total": total}, groups=summary.groups
        )
    elif request.POST.get("recalculate"):
        data = fresh_data()
        form = forms.ReviewForm(groups=summary.groups, initial=data.dict())
    else:  # a submit that was refused: the page again, with the current prices
        form = forms.ReviewForm(request.POST, groups=summary.groups)
        if form.is_valid() and refusal is not None:
            form = forms.ReviewForm(fresh_data(), groups=summary.groups)
            form.is_valid()
            if refusal.field in form.fields:
                show_on_form(form, refusal)
            else:  # not about a field of the form (prices changed): a message, the form stays
                show_as_message(request, refusal)
    fields = {shop_id: form.bound(names) for shop_id, names in form.shop_fields}
    for group in summary.groups:
        group.choice_fields = fields.get(group.shop.pk, {})
    return TemplateResponse(
        request,
        "orders/checkout_review.html",
        {
            "form": form,
            "summary": summary,
            "address": address,
            "step": 2,
            "provider": get_provider(),
        },
        status=400 if posted and form.is_bound and form.errors else 200,
    )


def _review_summary(cart, user, address, data) -> selectors.CartSummary:
    """The cart priced once to `address`, with the insurance ticked in `data` (a posted form)."""
    summary = selectors.group_cart(cart)
    insured = set()
    if data is not None:
        shop_ids = [group.shop.pk for group in summary.groups]
        insured = forms.ReviewForm(data, shop_ids=shop_ids).insured_shops()
    quoter = quoter_for(province=address.province, insure_shops=insured)
    return selectors.price_summary(summary, buyer=user, quoter=quoter)


def _to_payment(checkout: Checkout, payment: Payment | None):
    if payment is not None and payment.state == Payment.State.PENDING and payment.redirect_url:
        return redirect(payment.redirect_url)
    return redirect("checkout-done", token=checkout.token)


def _done_context(request, checkout):
    orders = list(checkout.orders.select_related("shop").order_by("shop_id"))
    payment = selectors.latest_payment(checkout)
    states = {order.state for order in orders}
    waiting = states == {Order.State.PENDING_PAYMENT}
    return {
        "checkout": checkout,
        "orders": orders,
        "payment": payment,
        "paid": any(order.is_paid for order in orders),
        "waiting": waiting and payment is not None and payment.state == Payment.State.PENDING,
        "failed": waiting and (payment is None or payment.state == Payment.State.FAILED),
        "step": 3,
    }


@login_required
def checkout_done(request, token):
    """Step 3. Shows what the database says (never what the URL or the browser says): paid, still
    waiting for the provider's confirmation (the page polls), or failed (pay again)."""
    checkout = get_object_or_404(Checkout, token=token, buyer=request.user)
    context = _done_context(request, checkout)
    template = (
        "orders/includes/payment_status.html"
        if request.headers.get("HX-Request")
        else "orders/checkout_done.html"
    )
    return TemplateResponse(request, template, context)


# --- The offline provider's test page -------------------------------------------------------------
@login_required
def payment_offline(request, reference):
    """TEST MODE. The offline provider's own page: the choice made here is sent as a signed
    provider event through the same handler the Stripe webhook uses; it does not change the
    payment itself."""
    payment = get_object_or_404(
        Payment.objects.select_related("checkout"),
        provider="offline",
        provider_ref=reference,
        buyer=request.user,
    )
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if outcome not in ("succeeded", "failed"):
            messages.error(request, _("Choose to pay or to decline."))
        elif payment.state != Payment.State.PENDING:
            messages.error(request, _("This payment is no longer open."))
            return redirect("checkout-done", token=payment.checkout.token)
        else:
            provider = get_provider("offline")
            body = provider.build_event(
                provider_ref=payment.provider_ref,
                outcome=outcome,
                amount=payment.amount,
                currency=payment.currency,
                checkout_token=str(payment.checkout.token),
                payment_id=payment.pk,
                failure_reason=_("Declined in test mode.") if outcome == "failed" else "",
            )
            headers = provider.sign(body)

            def deliver():
                from orders import tasks

                tasks.deliver_payment_event.delay("offline", body.decode(), headers)

            transaction.on_commit(deliver)
            return redirect("checkout-done", token=payment.checkout.token)
    allocations = list(payment.allocations.select_related("order", "order__shop"))
    return TemplateResponse(
        request,
        "orders/payment_offline.html",
        {"payment": payment, "allocations": allocations, "step": 2},
    )


# --- The buyer's orders ---------------------------------------------------------------------------
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
    return _to_payment(order.checkout, payment)


@login_required
@require_POST
def order_confirm_receipt(request, number):
    order = selectors.get_order_for_buyer_or_404(request.user, number)
    with refusals(request) as outcome:
        services.confirm_receipt(order, buyer=request.user)
    if outcome.ok:
        messages.success(request, _("Thank you: receipt confirmed."))
    return redirect(order.get_absolute_url())


def checkout_start(request):
    """The cart's "Check out" button: sign in first (the cart merges), then step 1."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={reverse('checkout')}")
    return redirect("checkout")
