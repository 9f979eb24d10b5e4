"""The offline provider: TEST MODE, no money moves, no network. Used by the demo and the tests.

It behaves like a card provider reached through webhooks, so the rest of the platform cannot tell
the difference:

1. `create_payment` answers a `off_pi_…` reference and the URL of our own test-mode page
   (`orders:payment-offline`), clearly labelled as such, where the buyer chooses
   "pay (test)" or "decline (test)";
2. that choice does not touch the payment: `confirm()` builds a provider event (the shape of a
   Stripe `payment_intent.succeeded` / `payment_intent.payment_failed`), signs it with
   `OFFLINE_PAYMENT_SECRET` and queues it for delivery (`orders.tasks.deliver_payment_event`);
3. delivery verifies the signature (`parse_event`) and hands the event to
   `orders.services.handle_payment_event`, exactly as the Stripe webhook endpoint does. The same
   signed body can also be POSTed to `/api/v1/payments/webhooks/offline/`.

Refunds succeed at once with an `off_re_…` reference.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.core.money import from_minor, to_minor
from orders.errors import ErrorCode, PaymentEventError
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
    sign_payload,
    verify_signature,
)

SIGNATURE_HEADER = "Offline-Signature"
EVENT_TYPES = {
    "payment_intent.succeeded": EventType.PAYMENT_SUCCEEDED,
    "payment_intent.payment_failed": EventType.PAYMENT_FAILED,
    "payment_intent.canceled": EventType.PAYMENT_CANCELLED,
}
OUTCOMES = {"succeeded": "payment_intent.succeeded", "failed": "payment_intent.payment_failed"}


def signing_secret() -> str:
    configured = getattr(settings, "OFFLINE_PAYMENT_SECRET", "")
    if configured:
        return configured
    return salted_hmac("orders.payments.offline", "signing-secret").hexdigest()


class OfflineProvider(PaymentProvider):
    name = "offline"
    label = gettext_lazy("Test payment (offline, no real money)")
    test_mode = True

    def create_payment(self, request: PaymentRequest) -> PaymentSession:
        reference = f"off_pi_{secrets.token_hex(12)}"
        return PaymentSession(
            provider_ref=reference,
            client_data={"test_mode": True, "amount_minor": to_minor(request.amount)},
            redirect_url=reverse("payment-offline", args=[reference]),
        )

    def refund(self, request: RefundRequest) -> RefundResult:
        return RefundResult(provider_ref=f"off_re_{secrets.token_hex(12)}", succeeded=True)

    # --- Events ------------------------------------------------------------------------------
    def build_event(
        self,
        *,
        provider_ref: str,
        outcome: str,
        amount: Decimal,
        currency: str,
        checkout_token: str,
        payment_id: int,
        failure_reason: str = "",
    ) -> bytes:
        """The JSON body of an event, as the offline "provider" would send it."""
        if outcome not in OUTCOMES:
            raise PaymentEventError(_("Unknown outcome."), code=ErrorCode.BAD_EVENT)
        intent = {
            "id": provider_ref,
            "object": "payment_intent",
            "amount": to_minor(amount, currency),
            "currency": currency.lower(),
            "metadata": {"checkout": checkout_token, "payment": str(payment_id)},
        }
        if failure_reason:
            intent["last_payment_error"] = {"message": failure_reason}
        event = {
            "id": f"evt_off_{secrets.token_hex(12)}",
            "object": "event",
            "type": OUTCOMES[outcome],
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": intent},
        }
        return json.dumps(event, separators=(",", ":")).encode()

    def sign(self, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
        return {SIGNATURE_HEADER: sign_payload(body, secret=signing_secret(), timestamp=timestamp)}

    def parse_event(self, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        verify_signature(
            body,
            header(headers, SIGNATURE_HEADER),
            secret=signing_secret(),
            tolerance=int(
                getattr(settings, "OFFLINE_PAYMENT_TOLERANCE_SECONDS", DEFAULT_TOLERANCE_SECONDS)
            ),
        )
        data = load_json(body)
        try:
            event_id = str(data["id"])
            raw_type = str(data["type"])
            intent = data["data"]["object"]
            reference = str(intent["id"])
            currency = str(intent.get("currency", "")).upper()
            amount = intent.get("amount")
            amount = from_minor(amount, currency) if isinstance(amount, int) else None
            metadata = intent.get("metadata") or {}
        except (KeyError, TypeError, ValueError) as error:
            raise PaymentEventError(
                _("The event lacks required fields."), code=ErrorCode.BAD_EVENT
            ) from error
        return ProviderEvent(
            provider=self.name,
            event_id=event_id,
            type=EVENT_TYPES.get(raw_type, EventType.OTHER),
            raw_type=raw_type,
            payment_ref=reference,
            amount=amount,
            currency=currency,
            checkout_token=str(metadata.get("checkout", "")),
            failure_reason=str((intent.get("last_payment_error") or {}).get("message", ""))[:300],
            payload=data,
        )
