"""The offline provider: TEST MODE, no money moves, no network. Used by the demo and the tests.

It behaves like a card provider reached through webhooks, so the rest of the platform cannot tell
the difference:

1. `create_payment` writes the provider's own record of the payment (`OfflineIntent`, what
   Stripe keeps as a PaymentIntent) and answers its `off_pi_…` reference and the URL of our own
   test-mode page (`orders:payment-offline`), clearly labelled as such, where the buyer chooses
   "pay (test)" or "decline (test)";
2. that choice does not touch our payment: `confirm()` records it on the provider's side and
   builds a provider event (the shape of a Stripe `payment_intent.succeeded` /
   `payment_intent.payment_failed`), signed with `OFFLINE_PAYMENT_SECRET`, which the page queues
   for delivery (`orders.tasks.deliver_payment_event`);
3. delivery verifies the signature (`parse_event`) and hands the event to
   `orders.services.handle_payment_event`, exactly as the Stripe webhook endpoint does. The same
   signed body can also be POSTed to `/api/v1/payments/webhooks/offline/`;
4. when a delivery is lost, `retrieve_event` answers what the provider's record says, as Stripe's
   retrieve of an intent does (`orders.services.payment_repair`).

Refunds succeed at once with an `off_re_…` reference.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.core.money import from_minor, to_minor
from orders.errors import ErrorCode, OrdersError, PaymentEventError
from orders.models import OfflineIntent
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
        OfflineIntent.objects.create(
            reference=reference,
            payment_id=request.payment_id,
            checkout_token=request.checkout_token,
            amount=request.amount,
            currency=request.currency,
        )
        return PaymentSession(
            provider_ref=reference,
            client_data={"test_mode": True, "amount_minor": to_minor(request.amount)},
            redirect_url=reverse("payment-offline", args=[reference]),
        )

    def cancel_payment(self, *, provider_ref: str) -> None:
        OfflineIntent.objects.filter(reference=provider_ref).exclude(
            status=OfflineIntent.Status.SUCCEEDED
        ).update(status=OfflineIntent.Status.CANCELED)

    def refund(self, request: RefundRequest) -> RefundResult:
        return RefundResult(provider_ref=f"off_re_{secrets.token_hex(12)}", succeeded=True)

    # --- The buyer's choice on the test page, and asking for it later ------------------------
    def confirm(self, *, provider_ref: str, outcome: str, failure_reason: str = ""):
        """The buyer paid (or declined) on the test page: recorded on the provider's side, and
        returned as a signed event `(body, headers)` for delivery. A paid or cancelled payment
        cannot be paid again (`OrdersError`)."""
        if outcome not in OUTCOMES:
            raise PaymentEventError(_("Unknown outcome."), code=ErrorCode.BAD_EVENT)
        status = OfflineIntent.Status
        paid = outcome == "succeeded"
        table = OfflineIntent._meta.db_table
        with connection.cursor() as cursor:  # the change and the record it changed, one query
            cursor.execute(
                f"UPDATE {table} SET status = %s, last_error = %s "  # noqa: S608 - model name
                "WHERE reference = %s AND status = %s "
                "RETURNING reference, amount, currency, checkout_token, payment_id",
                [
                    status.SUCCEEDED if paid else status.REQUIRES_PAYMENT_METHOD,
                    "" if paid else failure_reason[:300],
                    provider_ref,
                    status.REQUIRES_PAYMENT_METHOD,
                ],
            )
            row = cursor.fetchone()
        if row is None:
            raise OrdersError(_("This payment is no longer open."), code=ErrorCode.NOT_PAYABLE)
        reference, amount, currency, checkout_token, payment_id = row
        body = self.build_event(
            provider_ref=reference,
            outcome=outcome,
            amount=amount,
            currency=currency,
            checkout_token=checkout_token,
            payment_id=payment_id,
            failure_reason=failure_reason,
        )
        return body, self.sign(body)

    def retrieve_event(self, provider_ref: str) -> ProviderEvent | None:
        intent = OfflineIntent.objects.filter(reference=provider_ref).first()
        if intent is None:
            return None  # made before the provider kept records: it knows nothing
        status = OfflineIntent.Status
        if intent.status == status.SUCCEEDED:
            raw = "payment_intent.succeeded"
        elif intent.status == status.CANCELED:
            raw = "payment_intent.canceled"
        elif intent.last_error:
            raw = "payment_intent.payment_failed"
        else:
            return None  # the buyer has not chosen yet
        event_id = f"sync_{intent.reference}_{intent.status}"
        return ProviderEvent(
            provider=self.name,
            event_id=event_id,
            type=EVENT_TYPES[raw],
            raw_type=raw,
            payment_ref=intent.reference,
            amount=intent.amount,
            currency=intent.currency.upper(),
            checkout_token=intent.checkout_token,
            failure_reason=intent.last_error,
            payload={"id": event_id, "type": raw, "data": {"object": _as_intent(intent)}},
        )

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


def _as_intent(intent: OfflineIntent) -> dict:
    """The record in the shape of the intent inside an event's payload."""
    return {
        "id": intent.reference,
        "object": "payment_intent",
        "status": intent.status,
        "amount": to_minor(intent.amount, intent.currency),
        "currency": intent.currency.lower(),
        "metadata": {"checkout": intent.checkout_token, "payment": str(intent.payment_id)},
        "last_payment_error": {"message": intent.last_error} if intent.last_error else None,
    }
