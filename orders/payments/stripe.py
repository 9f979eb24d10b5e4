"""The Stripe provider, with the official `stripe` library (a `StripeClient` per call site).

Marketplace pattern: SEPARATE CHARGES AND TRANSFERS.

- `create_payment`: one PaymentIntent per checkout, for the whole amount, with automatic payment
  methods (card, and the local methods the account offers, such as Alipay and WeChat Pay), the
  checkout's token as `transfer_group` and our ids in `metadata`. The buyer pays on Stripe's
  Payment Element; the payment's state comes only from Stripe: the signed webhook
  (`/api/v1/payments/stripe/webhook/`) or a server-side retrieve of the intent (`refresh`).
- after the payment succeeded, `orders.finance.services.transfers` sends one Transfer per shop
  order (its net: sale − commission) to the shop's connected account in the same transfer group
  (`create_transfer`); a shop without a connected account has its transfer held.
- `refund` refunds the PaymentIntent; the ledger then takes the shop's part back from its
  transfer (`reverse_transfer`).
- `parse_event` verifies `Stripe-Signature` with `stripe.Webhook.construct_event` and
  STRIPE_WEBHOOK_SECRET, and translates the event into our `ProviderEvent`;
  `orders.services.handle_payment_event` applies it once.
- Connect onboarding for shops: `create_connected_account`, `account_link`, `account_ready`.

Settings: STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET, and STRIPE_API_BASE
(the API's base address: tests point it at a local stand-in of Stripe's HTTP API). Every call
is made outside database transactions with an idempotency key derived from our row's id, so a
retry never charges, transfers or refunds twice. Amounts cross as Decimal; Stripe gets minor
units (`marketplace.core.money.to_minor`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from decimal import Decimal

import stripe
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.core.money import from_minor, to_minor
from orders.errors import ErrorCode, OrdersError, PaymentEventError
from orders.payments.base import (
    DEFAULT_TOLERANCE_SECONDS,
    EventType,
    PaymentProvider,
    PaymentRequest,
    PaymentSession,
    ProviderEvent,
    RefundRequest,
    RefundResult,
    header,
    load_json,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Stripe-Signature"
PAYMENT_EVENTS = {
    "payment_intent.succeeded": EventType.PAYMENT_SUCCEEDED,
    "payment_intent.payment_failed": EventType.PAYMENT_FAILED,
    "payment_intent.canceled": EventType.PAYMENT_CANCELLED,
}
REFUND_EVENTS = {"refund.created", "refund.updated", "refund.failed", "charge.refund.updated"}
REFUND_STATES = {
    "succeeded": EventType.REFUND_SUCCEEDED,
    "failed": EventType.REFUND_FAILED,
    "canceled": EventType.REFUND_FAILED,
}


def secret_key() -> str:
    return getattr(settings, "STRIPE_SECRET_KEY", "") or ""


def publishable_key() -> str:
    return getattr(settings, "STRIPE_PUBLISHABLE_KEY", "") or ""


def webhook_secret() -> str:
    return getattr(settings, "STRIPE_WEBHOOK_SECRET", "") or ""


def api_base() -> str:
    return (getattr(settings, "STRIPE_API_BASE", "") or "").rstrip("/")


def configured() -> bool:
    """Stripe keys are set: payments, transfers and Connect onboarding are possible."""
    return bool(secret_key())


# Asking about a payment (the repair job, the unpaid timeout) waits this long per try at most, not
# the SDK's 80 seconds: a Stripe that hangs is "unreachable" and asked again on the next run.
RETRIEVE_TIMEOUT_SECONDS = 10


def client(*, timeout: float | None = None) -> stripe.StripeClient:
    key = secret_key()
    if not key:
        raise OrdersError(
            _("Payments by Stripe are not set up on this platform."),
            code=ErrorCode.PAYMENT_PROVIDER,
        )
    options: dict = {"max_network_retries": 2}
    base = api_base()
    if base:
        options["base_addresses"] = {"api": base, "connect": base, "files": base}
    if timeout is not None:
        options["http_client"] = stripe.new_default_http_client(timeout=timeout)
    return stripe.StripeClient(key, **options)


class StripeUnavailable(ConnectionError):
    """Stripe could not be reached (network, timeout, Stripe's 5xx): safe to retry later; Celery
    tasks retry on ConnectionError."""


def _call(what: str, function, *args, **kwargs):
    """Call the SDK; a network problem becomes `StripeUnavailable` (retried by tasks), and any
    other Stripe error an `OrdersError` with Stripe's message (logged)."""
    try:
        return function(*args, **kwargs)
    except (stripe.APIConnectionError, stripe.RateLimitError) as error:
        logger.warning("stripe %s: not reachable: %s", what, error)
        raise StripeUnavailable(str(error)) from error
    except stripe.StripeError as error:
        if getattr(error, "http_status", None) and error.http_status >= 500:
            logger.warning("stripe %s: Stripe failed: %s", what, error)
            raise StripeUnavailable(str(error)) from error
        logger.warning("stripe %s refused: %s", what, error)
        raise OrdersError(
            getattr(error, "user_message", None) or str(error) or _("Stripe refused the request."),
            code=ErrorCode.PAYMENT_PROVIDER,
        ) from error


class StripeProvider(PaymentProvider):
    name = "stripe"
    label = gettext_lazy("Card, Alipay or WeChat Pay (Stripe)")
    supports_transfers = True

    @property
    def test_mode(self) -> bool:  # type: ignore[override]
        return secret_key().startswith("sk_test_")

    # --- Payments -------------------------------------------------------------------------
    def create_payment(self, request: PaymentRequest) -> PaymentSession:
        params = {
            "amount": to_minor(request.amount, request.currency),
            "currency": request.currency.lower(),
            "automatic_payment_methods": {"enabled": True},
            "transfer_group": request.checkout_token,
            "description": str(request.description)[:1000],
            "metadata": {
                **request.metadata,
                "orders": ",".join(part.order_number for part in request.parts)[:500],
            },
        }
        if request.buyer_email:
            params["receipt_email"] = request.buyer_email
        intent = _call(
            "create payment intent",
            client().v1.payment_intents.create,
            params=params,
            options={"idempotency_key": request.idempotency_key},
        )
        try:
            redirect_url = reverse("payment-stripe", args=[intent.id])
        except NoReverseMatch:  # no page of our own: the checkout page mounts the Payment Element
            redirect_url = ""
        return PaymentSession(
            provider_ref=intent.id,
            client_data={
                "client_secret": intent.client_secret,
                "publishable_key": publishable_key(),
                "return_url": request.return_url,
            },
            redirect_url=redirect_url,
        )

    def cancel_payment(self, *, provider_ref: str) -> None:
        try:
            _call("cancel payment intent", client().v1.payment_intents.cancel, provider_ref)
        except (OrdersError, StripeUnavailable):
            logger.warning("stripe: could not cancel %s (a late success is refunded)", provider_ref)

    def retrieve_event(self, provider_ref: str) -> ProviderEvent | None:
        """The intent's current state, read from Stripe (server to server), as an event for
        `handle_payment_event`; None while the buyer has not finished. Its id names the state,
        so asking twice (or the webhook arriving too) applies it once. `StripeUnavailable` when
        Stripe cannot be reached, `OrdersError` when it refuses (e.g. no such intent)."""
        intent = _call(
            "retrieve payment intent",
            client(timeout=RETRIEVE_TIMEOUT_SECONDS).v1.payment_intents.retrieve,
            provider_ref,
        )
        data = _as_dict(intent)
        status = data.get("status", "")
        if status == "succeeded":
            kind, raw = EventType.PAYMENT_SUCCEEDED, "payment_intent.succeeded"
        elif status == "canceled":
            kind, raw = EventType.PAYMENT_CANCELLED, "payment_intent.canceled"
        elif status == "requires_payment_method" and data.get("last_payment_error"):
            kind, raw = EventType.PAYMENT_FAILED, "payment_intent.payment_failed"
        else:
            return None
        return self._payment_event(
            event_id=f"sync_{data['id']}_{status}",
            raw_type=raw,
            kind=kind,
            intent=data,
            payload={"id": f"sync_{data['id']}_{status}", "type": raw, "data": {"object": data}},
        )

    # --- Refunds and transfers -----------------------------------------------------------
    def refund(self, request: RefundRequest) -> RefundResult:
        params = {
            "payment_intent": request.payment_ref,
            "amount": to_minor(request.amount, request.currency),
            "metadata": {"refund": str(request.refund_id), "order": request.order_number},
        }
        try:
            refund = _call(
                "refund",
                client().v1.refunds.create,
                params=params,
                options={"idempotency_key": request.idempotency_key},
            )
        except OrdersError as error:  # refused (e.g. more than was charged): recorded, not retried
            return RefundResult(provider_ref="", succeeded=False, failure_reason=str(error)[:300])
        data = _as_dict(refund)
        status = data.get("status", "")
        failure = ""
        if status in ("failed", "canceled"):
            failure = str(data.get("failure_reason") or status)[:300]
        return RefundResult(
            provider_ref=str(data["id"]), succeeded=status == "succeeded", failure_reason=failure
        )

    def create_transfer(
        self,
        *,
        transfer_id: int,
        amount: Decimal,
        currency: str,
        destination: str,
        transfer_group: str,
        description: str = "",
        metadata: Mapping[str, str] | None = None,
        source_transaction: str = "",
    ) -> str:
        """A Transfer of `amount` to the connected account `destination`; returns its id."""
        params = {
            "amount": to_minor(amount, currency),
            "currency": currency.lower(),
            "destination": destination,
            "transfer_group": transfer_group,
            "description": description[:1000],
            "metadata": dict(metadata or {}),
        }
        if source_transaction:
            params["source_transaction"] = source_transaction
        transfer = _call(
            "transfer",
            client().v1.transfers.create,
            params=params,
            options={"idempotency_key": f"transfer-{transfer_id}"},
        )
        return transfer.id

    def reverse_transfer(
        self,
        *,
        reversal_id: int,
        transfer_ref: str,
        amount: Decimal,
        currency: str,
        metadata: Mapping[str, str] | None = None,
    ) -> str:
        """Take `amount` back from the transfer `transfer_ref`; returns the reversal's id."""
        reversal = _call(
            "transfer reversal",
            client().v1.transfers.reversals.create,
            transfer_ref,
            params={"amount": to_minor(amount, currency), "metadata": dict(metadata or {})},
            options={"idempotency_key": f"reversal-{reversal_id}"},
        )
        return reversal.id

    # --- Connect onboarding --------------------------------------------------------------
    def create_connected_account(self, *, shop_id: int, email: str, idempotency_key: str) -> str:
        params = {
            "type": "express",
            "metadata": {"shop": str(shop_id)},
            "capabilities": {"transfers": {"requested": True}},
        }
        if email:
            params["email"] = email
        account = _call(
            "create account",
            client().v1.accounts.create,
            params=params,
            options={"idempotency_key": idempotency_key},
        )
        return account.id

    def account_link(self, *, account: str, refresh_url: str, return_url: str) -> str:
        link = _call(
            "account link",
            client().v1.account_links.create,
            params={
                "account": account,
                "refresh_url": refresh_url,
                "return_url": return_url,
                "type": "account_onboarding",
            },
        )
        return link.url

    def account_ready(self, account: str) -> bool:
        """May the connected account receive transfers yet?"""
        data = _call("retrieve account", client().v1.accounts.retrieve, account)
        data = _as_dict(data)
        capability = (data.get("capabilities") or {}).get("transfers")
        return capability == "active" or bool(data.get("payouts_enabled"))

    # --- Webhook events ------------------------------------------------------------------
    def parse_event(self, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        secret = webhook_secret()
        if not secret:
            raise PaymentEventError(
                _("Stripe webhooks are not set up on this platform."),
                code=ErrorCode.BAD_SIGNATURE,
            )
        signature = header(headers, SIGNATURE_HEADER)
        if not signature:
            raise PaymentEventError(_("The event is not signed."), code=ErrorCode.BAD_SIGNATURE)
        tolerance = int(
            getattr(settings, "STRIPE_WEBHOOK_TOLERANCE_SECONDS", DEFAULT_TOLERANCE_SECONDS)
        )
        try:
            stripe.Webhook.construct_event(body, signature, secret, tolerance=tolerance)
        except stripe.SignatureVerificationError as error:
            raise PaymentEventError(
                _("The event's signature does not match."), code=ErrorCode.BAD_SIGNATURE
            ) from error
        except (ValueError, AttributeError, TypeError, KeyError) as error:  # signed, malformed
            raise PaymentEventError(
                _("The event is not valid JSON."), code=ErrorCode.BAD_EVENT
            ) from error
        data = load_json(body)
        try:
            event_id = str(data["id"])
            raw_type = str(data["type"])
            obj = data["data"]["object"]
            if not isinstance(obj, dict):
                raise TypeError("data.object")
        except (KeyError, TypeError) as error:
            raise PaymentEventError(
                _("The event lacks required fields."), code=ErrorCode.BAD_EVENT
            ) from error
        if raw_type in PAYMENT_EVENTS:
            return self._payment_event(
                event_id=event_id,
                raw_type=raw_type,
                kind=PAYMENT_EVENTS[raw_type],
                intent=obj,
                payload=data,
            )
        if raw_type in REFUND_EVENTS and obj.get("object") == "refund":
            currency = str(obj.get("currency", "")).upper()
            return ProviderEvent(
                provider=self.name,
                event_id=event_id,
                type=REFUND_STATES.get(str(obj.get("status", "")), EventType.OTHER),
                raw_type=raw_type,
                payment_ref=str(obj.get("payment_intent") or ""),
                amount=_amount(obj.get("amount"), currency),
                currency=currency,
                refund_ref=str(obj.get("id", "")),
                failure_reason=str(obj.get("failure_reason") or "")[:300],
                payload=data,
            )
        reference = obj.get("id") if obj.get("object") == "payment_intent" else None
        reference = reference or obj.get("payment_intent") or ""
        return ProviderEvent(
            provider=self.name,
            event_id=event_id,
            type=EventType.OTHER,
            raw_type=raw_type,
            payment_ref=str(reference) if isinstance(reference, str) else "",
            payload=data,
        )

    def _payment_event(self, *, event_id, raw_type, kind, intent: dict, payload) -> ProviderEvent:
        try:
            reference = str(intent["id"])
        except KeyError as error:
            raise PaymentEventError(
                _("The event lacks required fields."), code=ErrorCode.BAD_EVENT
            ) from error
        currency = str(intent.get("currency", "")).upper()
        received = intent.get("amount_received")
        amount = received if kind == EventType.PAYMENT_SUCCEEDED and received else None
        amount = amount if amount is not None else intent.get("amount")
        metadata = intent.get("metadata") or {}
        error = intent.get("last_payment_error") or {}
        return ProviderEvent(
            provider=self.name,
            event_id=event_id,
            type=kind,
            raw_type=raw_type,
            payment_ref=reference,
            amount=_amount(amount, currency),
            currency=currency,
            checkout_token=str(metadata.get("checkout", "")) if isinstance(metadata, dict) else "",
            failure_reason=str(error.get("message", "") if isinstance(error, dict) else "")[:300],
            payload=payload,
        )


def _as_dict(obj) -> dict:
    """A StripeObject (not a dict since stripe 12) as a plain dict."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _amount(value, currency: str) -> Decimal | None:
    if not isinstance(value, int) or isinstance(value, bool) or not currency:
        return None
    try:
        return from_minor(value, currency)
    except ValueError:  # a currency we do not know: no amount, so it cannot match ours
        return None


def charge_of(payment) -> str:
    """The charge of a succeeded payment (a transfer's `source_transaction`), from the event that
    confirmed it; "" when unknown."""
    from orders.models import PaymentEvent

    payloads = PaymentEvent.objects.filter(
        payment=payment, outcome=PaymentEvent.Outcome.APPLIED, type="payment_intent.succeeded"
    ).values_list("payload", flat=True)
    for payload in payloads:
        intent = ((payload or {}).get("data") or {}).get("object") or {}
        charge = intent.get("latest_charge")
        if isinstance(charge, dict):
            charge = charge.get("id")
        if charge:
            return str(charge)
    return ""


def refresh(payment):
    """Ask Stripe (server to server) for the state of `payment`'s intent and apply it through
    `handle_payment_event`, e.g. when the buyer comes back to the success page before the webhook
    arrived. Returns the recorded event, or None (nothing final yet, or Stripe unreachable).
    The same check as the payment repair job's (`orders.services.payments.check_payment`)."""
    from orders.services.payments import check_payment

    if payment.provider != StripeProvider.name:
        return None
    return check_payment(payment).record
