"""Checkout in three steps: 1 address, 2 review and pay, 3 done."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.accounts import services as account_services
from marketplace.accounts.forms import AddressForm
from marketplace.core.pages import refusals, show_as_message, show_on_form
from orders import forms, selectors, services
from orders.models import Checkout, Order, Payment
from orders.payments import get_provider
from orders.services.placement import refused_summary
from orders.shipping import estimate_quoter, quoter_for
from orders.views.storefront.cart import cart_for_request, default_address

CHECKOUT_ADDRESS = "orders_checkout_address"
CHECKOUT_TOKEN = "orders_checkout_token"  # noqa: S105 - a session key, not a secret


def checkout_start(request):
    """The cart's "Check out" button: sign in first (the cart merges), then step 1."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={reverse('checkout')}")
    return redirect("checkout")


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
        initial={"address": request.session.get(CHECKOUT_ADDRESS) or default_address(user)},
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
        quick = forms.ReviewForm(request.POST, shop_ids=forms.posted_shop_ids(request.POST))
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
                return redirect_to_payment(placement.checkout, placement.payment)
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


def redirect_to_payment(checkout: Checkout, payment: Payment | None):
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
