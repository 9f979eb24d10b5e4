"""The payment pages a buyer sees: the offline provider's test page (TEST MODE), and Stripe's
pay page and return page.

The buyer's Stripe payment page (checkout step 2 with PAYMENT_PROVIDER=stripe) and the page
Stripe sends the buyer back to.

The pay page mounts Stripe's Payment Element (Stripe.js from js.stripe.com, our script in
static/js/stripe-pay.js: no inline script) with the PaymentIntent's client secret; card, Alipay,
WeChat Pay and the other methods Stripe offers the account appear there. Nothing the browser says
is believed: the return page ignores Stripe's `redirect_status` query parameter and asks Stripe
for the intent server to server (`orders.payments.stripe.refresh`), which goes through the same
`handle_payment_event` as the signed webhook; then it shows checkout step 3 ("done"), which shows
what our database says.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.core.pages import refusals
from orders.models import Payment
from orders.payments import get_provider
from orders.payments import stripe as stripe_provider


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
            # Recorded at the "provider" first, which answers from it if the delivery is lost.
            with refusals(request) as confirmed:
                body, headers = get_provider("offline").confirm(
                    provider_ref=payment.provider_ref,
                    outcome=outcome,
                    failure_reason=_("Declined in test mode.") if outcome == "failed" else "",
                )
            if not confirmed.ok:
                return redirect("checkout-done", token=payment.checkout.token)

            def deliver():
                from orders import tasks

                tasks.deliver_payment_event.delay("offline", body.decode(), headers)

            transaction.on_commit(deliver)
            return redirect("checkout-done", token=payment.checkout.token)
    elif payment.state != Payment.State.PENDING:
        # Back to a payment already decided (the browser's Back button): its orders, not a
        # payment page that can no longer be used.
        return redirect("checkout-done", token=payment.checkout.token)
    allocations = list(payment.allocations.select_related("order", "order__shop"))
    return TemplateResponse(
        request,
        "orders/payment_offline.html",
        {"payment": payment, "allocations": allocations, "step": 2},
    )


def _payment(request, reference) -> Payment:
    return get_object_or_404(
        Payment.objects.select_related("checkout"),
        provider=stripe_provider.StripeProvider.name,
        provider_ref=reference,
        buyer=request.user,
    )


@login_required
def payment_stripe(request, reference):
    payment = _payment(request, reference)
    if payment.state != Payment.State.PENDING:
        return redirect("checkout-done", token=payment.checkout.token)
    allocations = list(payment.allocations.select_related("order", "order__shop"))
    return TemplateResponse(
        request,
        "orders/payment_stripe.html",
        {
            "payment": payment,
            "allocations": allocations,
            "publishable_key": stripe_provider.publishable_key(),
            "client_secret": payment.client_data.get("client_secret", ""),
            "return_url": request.build_absolute_uri(
                reverse("payment-stripe-return", args=[payment.provider_ref])
            ),
            "step": 2,
        },
    )


@login_required
def payment_stripe_return(request, reference):
    payment = _payment(request, reference)
    stripe_provider.refresh(payment)  # Stripe's word, server to server; never the query string
    return redirect("checkout-done", token=payment.checkout.token)
