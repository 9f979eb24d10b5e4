"""The Stripe adapter, for real, against a local stand-in of Stripe's HTTP API: one PaymentIntent
per checkout, separate charges and transfers (one transfer per shop order, its net, in the
checkout's transfer group), refunds with transfer reversals, and the signed webhook applied once.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest

from marketplace.core.money import to_minor
from orders.finance.services import transfers
from orders.models import (
    LedgerEntry,
    Order,
    OrderCommission,
    Payment,
    PaymentEvent,
    Refund,
    ShopTransfer,
    TransferReversal,
)
from orders.payments import stripe as stripe_provider
from orders.services.lifecycle import cancel_order
from tests.factories.orders import place
from tests.orders.stripe_standin import sign

pytestmark = pytest.mark.django_db


def connect(shop, standin):
    """Give `shop` a connected account at the stand-in (as onboarding would)."""
    account = stripe_provider.StripeProvider().create_connected_account(
        shop_id=shop.pk, email="owner@example.com", idempotency_key=f"acct-{shop.pk}"
    )
    shop.stripe_account_id = account
    shop.save(update_fields=["stripe_account_id"])
    return account


def checkout(buyer, cup, bowl):
    placement = place(buyer, (cup, 2), (bowl, 1))
    payment = Payment.objects.get(pk=placement.payment.pk)
    return placement, payment


def succeeded_body(standin, payment, **changes):
    intent = standin.succeed(payment.provider_ref)
    intent.update(changes)
    return standin.event("payment_intent.succeeded", intent)


# --- The PaymentIntent ------------------------------------------------------------------------
def test_a_checkout_makes_one_payment_intent_with_automatic_methods(
    stripe_standin, buyer, cup, bowl
):
    placement, payment = checkout(buyer, cup, bowl)

    [call] = stripe_standin.posts_to("/v1/payment_intents")
    assert call.params["amount"] == str(to_minor(payment.amount))
    assert call.params["currency"] == "cny"
    assert call.params["automatic_payment_methods"] == {"enabled": "true"}
    assert call.params["transfer_group"] == str(placement.checkout.token)
    assert call.params["metadata"]["checkout"] == str(placement.checkout.token)
    assert call.params["metadata"]["payment"] == str(payment.pk)
    assert call.headers["idempotency-key"] == f"payment-{payment.pk}"
    assert payment.state == Payment.State.PENDING
    assert payment.provider == "stripe" and payment.provider_ref.startswith("pi_")
    assert payment.client_data["client_secret"].startswith(payment.provider_ref)
    assert payment.client_data["publishable_key"] == "pk_test_standin"
    # Nothing is paid until Stripe says so.
    assert set(Order.objects.values_list("state", flat=True)) == {Order.State.PENDING_PAYMENT}


def test_stripe_unreachable_leaves_the_payment_failed_for_pay_again(
    stripe_standin, buyer, cup, bowl
):
    stripe_standin.fail("POST", "/v1/payment_intents", status=400, message="Invalid currency")

    placement, payment = checkout(buyer, cup, bowl)

    assert payment.state == Payment.State.FAILED
    assert payment.failure_reason
    assert Order.objects.filter(checkout=placement.checkout).count() == 2


# --- Webhook: applied once, never from the browser ----------------------------------------------
def test_a_signed_success_pays_both_orders_and_transfers_each_shop_its_net(
    stripe_standin, deliver, run_on_commit, buyer, cup, bowl, shop, other_shop
):
    account_a, account_b = connect(shop, stripe_standin), connect(other_shop, stripe_standin)
    placement, payment = checkout(buyer, cup, bowl)

    with run_on_commit():
        response = deliver(succeeded_body(stripe_standin, payment))

    assert response.status_code == 200 and response.json()["outcome"] == "applied"
    assert set(Order.objects.values_list("state", flat=True)) == {Order.State.PAID}
    transfers = stripe_standin.posts_to("/v1/transfers")
    assert len(transfers) == 2
    by_destination = {call.params["destination"]: call.params for call in transfers}
    assert set(by_destination) == {account_a, account_b}
    charge = stripe_standin.objects[payment.provider_ref]["latest_charge"]
    for order in Order.objects.filter(checkout=placement.checkout):
        commission = OrderCommission.objects.get(order=order)
        params = by_destination[account_a if order.shop_id == shop.pk else account_b]
        assert params["amount"] == str(to_minor(order.total - commission.amount))
        assert params["transfer_group"] == str(placement.checkout.token)
        assert params["source_transaction"] == charge
        transfer = ShopTransfer.objects.get(order=order)
        assert transfer.state == ShopTransfer.State.SENT
        assert transfer.provider_ref.startswith("tr_")
        payout = LedgerEntry.objects.get(order=order, kind=LedgerEntry.Kind.PAYOUT)
        assert payout.amount == -(order.total - commission.amount)
    assert {c.headers["idempotency-key"] for c in transfers} == {
        f"transfer-{t.pk}" for t in ShopTransfer.objects.all()
    }


def test_a_bad_signature_is_refused_and_changes_nothing(stripe_standin, deliver, buyer, cup, bowl):
    _placement, payment = checkout(buyer, cup, bowl)
    body = succeeded_body(stripe_standin, payment)

    wrong_secret = deliver(body, secret="whsec_someone_else")
    no_signature = deliver(body, signature="")
    garbage = deliver(body, signature="t=1,v1=deadbeef")
    stale = deliver(body, signature=sign(body, "whsec_standin_secret", timestamp=1_000))
    tampered = deliver(body.replace(b'"succeeded"', b'"succeeded" '), signature=sign(body, "x"))

    for response in (wrong_secret, no_signature, garbage, stale, tampered):
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "bad_signature"
    assert not PaymentEvent.objects.exists()
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.PENDING


def test_webhook_without_a_configured_secret_is_refused(stripe_standin, deliver, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    body = stripe_standin.event("payment_intent.succeeded", {"id": "pi_x", "object": "x"})

    response = deliver(body)

    assert response.status_code == 400
    assert not PaymentEvent.objects.exists()


def test_signed_garbage_is_a_400_not_a_500(stripe_standin, deliver):
    for body in (b"not json", b"[]", json.dumps({"id": "evt_1"}).encode()):
        response = deliver(body)
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == "bad_event"


def test_an_unknown_payment_intent_is_recorded_and_changes_nothing(
    stripe_standin, deliver, buyer, cup, bowl
):
    _placement, payment = checkout(buyer, cup, bowl)
    intent = dict(stripe_standin.succeed(payment.provider_ref), id="pi_not_ours")

    response = deliver(stripe_standin.event("payment_intent.succeeded", intent))

    assert response.status_code == 200
    assert response.json()["outcome"] == PaymentEvent.Outcome.UNKNOWN_PAYMENT
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.PENDING
    assert not LedgerEntry.objects.exists()


def test_a_replayed_or_duplicated_event_changes_nothing_twice(
    stripe_standin, deliver, run_on_commit, buyer, cup, bowl, shop, other_shop
):
    connect(shop, stripe_standin), connect(other_shop, stripe_standin)
    _placement, payment = checkout(buyer, cup, bowl)
    body = succeeded_body(stripe_standin, payment)
    same_intent_new_event = succeeded_body(stripe_standin, payment)

    with run_on_commit():
        first = deliver(body)
    with run_on_commit():
        replay = deliver(body)
        duplicate = deliver(same_intent_new_event)

    assert first.json()["outcome"] == "applied"
    assert replay.json() == first.json()
    assert duplicate.json()["outcome"] == PaymentEvent.Outcome.IGNORED
    assert PaymentEvent.objects.count() == 2
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SALE).count() == 2
    assert len(stripe_standin.posts_to("/v1/transfers")) == 2
    assert ShopTransfer.objects.count() == 2


def test_out_of_order_events_never_turn_a_success_into_a_failure(
    stripe_standin, deliver, run_on_commit, buyer, cup, bowl
):
    _placement, payment = checkout(buyer, cup, bowl)
    failed = stripe_standin.event(
        "payment_intent.payment_failed", stripe_standin.decline(payment.provider_ref)
    )
    succeeded = succeeded_body(stripe_standin, payment)

    with run_on_commit():
        assert deliver(succeeded).json()["outcome"] == "applied"
        late_failure = deliver(failed)

    assert late_failure.json()["outcome"] == PaymentEvent.Outcome.IGNORED
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.SUCCEEDED
    assert set(Order.objects.values_list("state", flat=True)) == {Order.State.PAID}


def test_a_failure_then_a_retry_that_succeeds_pays(stripe_standin, deliver, buyer, cup, bowl):
    _placement, payment = checkout(buyer, cup, bowl)
    declined = stripe_standin.decline(payment.provider_ref)

    assert (
        deliver(stripe_standin.event("payment_intent.payment_failed", declined)).json()["outcome"]
        == "applied"
    )
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.FAILED
    assert deliver(succeeded_body(stripe_standin, payment)).json()["outcome"] == "applied"
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.SUCCEEDED


@pytest.mark.parametrize(
    "changes",
    [
        {"amount_received": 1, "amount": 1},  # amount
        {"currency": "usd"},  # currency
        {"metadata": {"checkout": "00000000-0000-0000-0000-000000000000"}},  # another order
    ],
    ids=["amount", "currency", "checkout"],
)
def test_an_authentic_event_that_does_not_match_ours_is_refused_and_recorded(
    stripe_standin, deliver, run_on_commit, buyer, cup, bowl, changes
):
    placement, payment = checkout(buyer, cup, bowl)

    with run_on_commit():
        response = deliver(succeeded_body(stripe_standin, payment, **changes))

    assert response.status_code == 200
    assert response.json()["outcome"] == PaymentEvent.Outcome.MISMATCH
    record = PaymentEvent.objects.get()
    assert record.outcome == PaymentEvent.Outcome.MISMATCH and record.note
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.PENDING
    orders = Order.objects.filter(checkout=placement.checkout)
    assert {o.state for o in orders} == {Order.State.PENDING_PAYMENT}
    assert {o.exception for o in orders} == {Order.Problem.PAYMENT_PROBLEM}
    assert not LedgerEntry.objects.exists()
    assert not stripe_standin.posts_to("/v1/transfers")


def test_the_success_page_asks_stripe_not_the_browser(stripe_standin, run_on_commit, buyer, cup):
    placement = place(buyer, (cup, 1))
    payment = Payment.objects.get(pk=placement.payment.pk)

    assert stripe_provider.refresh(payment) is None  # not paid at Stripe: nothing changes
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.PENDING

    stripe_standin.succeed(payment.provider_ref)
    with run_on_commit():
        record = stripe_provider.refresh(payment)
        again = stripe_provider.refresh(Payment.objects.get(pk=payment.pk))

    assert record.outcome == PaymentEvent.Outcome.APPLIED
    assert again is None
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.SUCCEEDED
    assert stripe_standin.requests[-1].method == "GET"


# --- Held transfers -------------------------------------------------------------------------
def test_a_shop_without_a_connected_account_has_its_transfer_held_not_lost(
    stripe_standin, deliver, run_on_commit, buyer, cup, bowl, shop, other_shop
):
    account_b = connect(other_shop, stripe_standin)  # shop A has no Stripe account
    placement, payment = checkout(buyer, cup, bowl)

    with run_on_commit():
        deliver(succeeded_body(stripe_standin, payment))

    [sent] = stripe_standin.posts_to("/v1/transfers")
    assert sent.params["destination"] == account_b
    held = ShopTransfer.objects.get(shop=shop)
    assert held.state == ShopTransfer.State.HELD and held.failure_reason
    # What shop A is owed stays in its ledger (pending), nothing was paid out to it.
    order_a = Order.objects.get(checkout=placement.checkout, shop=shop)
    assert not LedgerEntry.objects.filter(shop=shop, kind=LedgerEntry.Kind.PAYOUT).exists()
    assert held.amount == OrderCommission.objects.get(order=order_a).net

    # Shop A onboards; its held transfer goes out.
    with run_on_commit():
        url = transfers.start_stripe_onboarding(
            shop=shop, actor=shop.owner, return_url="https://x/r", refresh_url="https://x/f"
        )
        shop.refresh_from_db()
        assert transfers.finish_stripe_onboarding(shop=shop) is True

    assert url.startswith("https://connect.stripe.com/")
    held.refresh_from_db()
    assert held.state == ShopTransfer.State.SENT and held.destination == shop.stripe_account_id
    assert len(stripe_standin.posts_to("/v1/transfers")) == 2


def test_a_failed_transfer_is_retried_with_the_same_idempotency_key(
    stripe_standin, deliver, run_on_commit, buyer, cup, shop
):
    connect(shop, stripe_standin)
    placement = place(buyer, (cup, 1))
    payment = Payment.objects.get(pk=placement.payment.pk)
    stripe_standin.fail("POST", "/v1/transfers", status=400, message="Insufficient funds")

    with run_on_commit():
        deliver(succeeded_body(stripe_standin, payment))

    transfer = ShopTransfer.objects.get()
    assert transfer.state == ShopTransfer.State.FAILED and "Insufficient" in transfer.failure_reason
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYOUT).exists()

    with run_on_commit():
        transfers.send_waiting_transfers()
        transfers.send_waiting_transfers()  # a second run finds nothing to do

    transfer.refresh_from_db()
    assert transfer.state == ShopTransfer.State.SENT
    keys = [c.headers["idempotency-key"] for c in stripe_standin.posts_to("/v1/transfers")]
    assert keys == [f"transfer-{transfer.pk}"] * 2
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYOUT).count() == 1


# --- Refunds with transfer reversal ----------------------------------------------------------
def test_a_cancelled_paid_order_is_refunded_and_its_transfer_reversed(
    stripe_standin, deliver, run_on_commit, buyer, cup, bowl, shop, other_shop
):
    connect(shop, stripe_standin), connect(other_shop, stripe_standin)
    placement, payment = checkout(buyer, cup, bowl)
    with run_on_commit():
        deliver(succeeded_body(stripe_standin, payment))
    order = Order.objects.get(checkout=placement.checkout, shop=shop)
    transfer = ShopTransfer.objects.get(order=order)

    with run_on_commit():
        cancel_order(
            order, by=Order.CancelledBy.SELLER, shop=shop, actor=shop.owner, reason="Out of stock"
        )

    [refund_call] = stripe_standin.posts_to("/v1/refunds")
    assert refund_call.params["payment_intent"] == payment.provider_ref
    assert refund_call.params["amount"] == str(to_minor(order.total))
    refund = Refund.objects.get(order=order)
    assert refund.state == Refund.State.SUCCEEDED
    assert refund_call.headers["idempotency-key"] == f"refund-{refund.pk}"
    [reversal_call] = stripe_standin.posts_to(r"/v1/transfers/[^/]+/reversals")
    assert reversal_call.path == f"/v1/transfers/{transfer.provider_ref}/reversals"
    assert reversal_call.params["amount"] == str(to_minor(transfer.amount_sent))
    reversal = TransferReversal.objects.get()
    assert reversal.state == TransferReversal.State.SENT
    # The cancelled order's rows add up to nothing, and nothing of it is pending any more.
    rows = LedgerEntry.objects.filter(order=order)
    assert sum(r.amount for r in rows) == Decimal("0.00")
    assert not rows.filter(available_at__isnull=True).exists()
    # The other shop's order is untouched.
    other = Order.objects.get(checkout=placement.checkout, shop=other_shop)
    assert other.state == Order.State.PAID
    assert not TransferReversal.objects.filter(transfer__order=other).exists()


def test_a_refund_stripe_answers_later_is_closed_by_its_signed_event(
    stripe_standin, deliver, run_on_commit, buyer, cup, shop
):
    connect(shop, stripe_standin)
    stripe_standin.refund_status = "pending"
    placement = place(buyer, (cup, 1))
    payment = Payment.objects.get(pk=placement.payment.pk)
    with run_on_commit():
        deliver(succeeded_body(stripe_standin, payment))
    order = Order.objects.get(pk=placement.orders[0].pk)
    with run_on_commit():
        cancel_order(order, by=Order.CancelledBy.BUYER, actor=buyer)
    refund = Refund.objects.get(order=order)
    assert refund.state == Refund.State.PENDING and refund.provider_ref.startswith("re_")
    assert not stripe_standin.posts_to(r"/v1/transfers/[^/]+/reversals")

    stripe_refund = dict(stripe_standin.objects[refund.provider_ref], status="succeeded")
    with run_on_commit():
        response = deliver(stripe_standin.event("refund.updated", stripe_refund))

    assert response.json()["outcome"] == "applied"
    assert Refund.objects.get(pk=refund.pk).state == Refund.State.SUCCEEDED
    assert len(stripe_standin.posts_to(r"/v1/transfers/[^/]+/reversals")) == 1
    assert sum(e.amount for e in LedgerEntry.objects.filter(order=order)) == 0


def test_stale_event_timestamps_are_refused(stripe_standin, deliver, buyer, cup):
    placement = place(buyer, (cup, 1))
    body = succeeded_body(stripe_standin, Payment.objects.get(pk=placement.payment.pk))

    response = deliver(
        body, signature=sign(body, "whsec_standin_secret", timestamp=int(time.time()) - 3600)
    )

    assert response.status_code == 400


# --- The buyer's payment page -------------------------------------------------------------------
def test_the_buyer_pays_on_the_payment_element_page_and_stripe_is_asked(
    stripe_standin, run_on_commit, buyer, cup, client
):
    placement = place(buyer, (cup, 1))
    payment = Payment.objects.get(pk=placement.payment.pk)
    client.force_login(buyer)
    assert payment.redirect_url == f"/pay/stripe/{payment.provider_ref}/"

    page = client.get(payment.redirect_url)
    body = page.content.decode()
    assert page.status_code == 200
    assert f'data-client-secret="{payment.client_data["client_secret"]}"' in body
    assert "https://js.stripe.com/v3/" in body and "<script>" not in body

    # The browser claims success; Stripe has not confirmed: nothing changes.
    back = client.get(
        f"/pay/stripe/{payment.provider_ref}/return/?redirect_status=succeeded"
        f"&payment_intent={payment.provider_ref}"
    )
    assert back.status_code == 302 and back["Location"].endswith(
        f"/checkout/done/{placement.checkout.token}/"
    )
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.PENDING

    stripe_standin.succeed(payment.provider_ref)
    with run_on_commit():
        client.get(f"/pay/stripe/{payment.provider_ref}/return/")
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.SUCCEEDED
    assert Order.objects.get(pk=placement.orders[0].pk).state == Order.State.PAID
    # A paid payment's page goes to the orders.
    assert client.get(payment.redirect_url).status_code == 302


def test_another_buyers_payment_page_is_a_404(stripe_standin, buyer, cup, client):
    from tests.factories.accounts import UserFactory

    payment = Payment.objects.get(pk=place(buyer, (cup, 1)).payment.pk)
    client.force_login(UserFactory())
    assert client.get(payment.redirect_url).status_code == 404
    assert client.get(f"/pay/stripe/{payment.provider_ref}/return/").status_code == 404
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.PENDING
