"""The visitor's cart: a guest's in the session, a buyer's in the database (merged at login)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import Sku
from catalog.storefront.listings import product_url
from logistics.errors import LogisticsError
from marketplace.core.pages import refusals
from orders import forms, selectors, services
from orders.errors import ErrorCode
from orders.services.cart import cart_of_user, guest_cart, new_guest_cart
from orders.shipping import estimate_quoter, quoter_for


def cart_for_request(request, *, create: bool = False):
    """The signed-in buyer's cart, or the guest's (by the token in the session)."""
    if request.user.is_authenticated:
        return cart_of_user(request.user, create=create)
    cart = guest_cart(selectors.session_cart_token(request))
    if cart is None and create:
        cart = new_guest_cart()
        request.session[selectors.CART_SESSION_KEY] = str(cart.token)
    return cart


def default_address(user):
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
    address = default_address(request.user)
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
    POST: add it and go back to the cart (or `next`); when the quantity is refused, back to the
    product page with one message saying why."""
    if request.method == "POST":
        sku = _sku(request.POST.get("sku"))
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
        if sku is not None:
            code, _problem = selectors.sku_problem(sku)
            if code == ErrorCode.UNAVAILABLE:
                return redirect("cart")  # no product page to go back to: the message says why
            return redirect(product_url(sku.product_id, sku.product.slug))
    else:
        sku = _sku(request.GET.get("sku"))
        form = forms.AddToCartForm(initial={"sku": request.GET.get("sku"), "quantity": 1})
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


def _sku(raw) -> Sku | None:
    try:
        return Sku.objects.select_related("product", "shop").filter(pk=int(raw)).first()
    except (TypeError, ValueError):
        return None


@require_POST
def cart_line_update(request, line_id):
    cart = cart_for_request(request)
    if cart is None:
        raise Http404
    quantity = request.POST.get("quantity", "").strip()
    if quantity == "0":  # emptying the box means "not any more"
        return cart_line_remove(request, line_id)
    with refusals(request):
        services.update_quantity(cart=cart, line_id=line_id, quantity=quantity)
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
