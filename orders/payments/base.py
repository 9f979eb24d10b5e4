"""The payment provider interface. Every provider (offline, Stripe) implements `PaymentProvider`.

    provider = orders.payments.get_provider()               # settings.PAYMENT_PROVIDER
    session = provider.create_payment(PaymentRequest(...))  # a PaymentIntent-like answer
    payment.provider_ref = session.provider_ref             # the intent's id at the provider
    # the buyer pays at session.redirect_url (or on our page with session.client_data)
    event = provider.parse_event(body, headers)             # verifies the signature, or raises
    event = provider.retrieve_event(provider_ref)           # or: ask it (a webhook got lost)
    orders.services.handle_payment_event(event)             # the ONE place payment state changes
    provider.refund(RefundRequest(...))                     # money back for one order

Rules every provider follows
- Provider calls happen outside database transactions (`orders.services.payments` makes them
  after commit, then records the answer with a conditional update).
- A payment's state is never taken from the browser: only from an event the provider signed and
  `parse_event` verified. The offline provider signs its confirmations the same way (HMAC-SHA256
  over "timestamp.body", header `t=…,v1=…`), so both go through the same path.
- `parse_event` raises `PaymentEventError` for a bad or missing signature, a stale timestamp or a
  malformed body; it does not look anything up. `handle_payment_event` then checks the event
  against our records (unknown payment, amount, currency, checkout) and applies it once
  (a replayed, duplicated or out-of-order event changes nothing twice).
- Amounts cross this interface as `Decimal` in major units with an ISO currency code; a provider
  converts to minor units itself (`marketplace.core.money.to_minor`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _

from orders.errors import ErrorCode, PaymentEventError


class EventType(StrEnum):
    """What a provider event means for us, whatever the provider calls it."""

    PAYMENT_SUCCEEDED = "payment.succeeded"
    PAYMENT_FAILED = "payment.failed"
    PAYMENT_CANCELLED = "payment.cancelled"
    REFUND_SUCCEEDED = "refund.succeeded"
    REFUND_FAILED = "refund.failed"
    OTHER = "other"


@dataclass(frozen=True)
class OrderPart:
    """One shop order inside a payment (Stripe: one transfer per part, in the transfer group)."""

    order_id: int
    order_number: str
    shop_id: int
    amount: Decimal
    connected_account: str = ""  # the shop's Stripe account, when it has one


@dataclass(frozen=True)
class PaymentRequest:
    payment_id: int
    checkout_token: str  # also the transfer group and the idempotency key's stem
    amount: Decimal
    currency: str
    buyer_id: int
    buyer_email: str
    description: str
    parts: tuple[OrderPart, ...]
    return_url: str  # where the provider's page sends the buyer back (our "done" step)

    @property
    def idempotency_key(self) -> str:
        return f"payment-{self.payment_id}"

    @property
    def metadata(self) -> dict[str, str]:
        return {"checkout": self.checkout_token, "payment": str(self.payment_id)}


@dataclass(frozen=True)
class PaymentSession:
    """The provider's answer to `create_payment` (a PaymentIntent, in Stripe's words)."""

    provider_ref: str
    client_data: dict = field(default_factory=dict)  # e.g. a client secret for the browser
    redirect_url: str = ""  # the provider's page where the buyer pays ("" to pay on ours)


@dataclass(frozen=True)
class RefundRequest:
    refund_id: int
    payment_ref: str
    amount: Decimal
    currency: str
    order_number: str
    reason: str

    @property
    def idempotency_key(self) -> str:
        return f"refund-{self.refund_id}"


@dataclass(frozen=True)
class RefundResult:
    provider_ref: str
    succeeded: bool  # False: accepted by the provider, outcome comes later by event
    failure_reason: str = ""


@dataclass(frozen=True)
class ProviderEvent:
    """A verified provider event, in our terms (`parse_event`'s result)."""

    provider: str
    event_id: str
    type: EventType
    raw_type: str
    payment_ref: str
    amount: Decimal | None = None
    currency: str = ""
    checkout_token: str = ""
    refund_ref: str = ""
    failure_reason: str = ""
    payload: dict = field(default_factory=dict, repr=False)


class PaymentProvider(ABC):
    """See the module docstring. Subclasses set `name`, `label` and `test_mode`."""

    name: str = ""
    label: str = ""
    test_mode: bool = False

    @abstractmethod
    def create_payment(self, request: PaymentRequest) -> PaymentSession:
        """Create the provider's payment for `request` (idempotent by its idempotency key).

        Raises a `DomainError` when the provider refuses, an `OSError` (`ConnectionError`,
        `TimeoutError`) when it cannot be reached: `start_payment` records either as a failed
        payment the buyer can pay again; anything else is a bug and surfaces."""

    def cancel_payment(self, *, provider_ref: str) -> None:  # noqa: B027 - optional hook
        """Cancel an unpaid payment at the provider (superseded, or its orders cancelled)."""

    @abstractmethod
    def retrieve_event(self, provider_ref: str) -> ProviderEvent | None:
        """The payment's current state, asked of the provider (server to server), as an event for
        `handle_payment_event`, or None while nothing is final (the buyer has not paid yet). The
        event's id names the state (`sync_<reference>_<status>`), so asking twice, or the webhook
        arriving too, applies it once. Raises an `OSError` (`ConnectionError`) when the provider
        cannot be reached, a `DomainError` when it refuses to answer (e.g. an unknown reference);
        `orders.services.payment_repair` calls it outside any transaction."""

    @abstractmethod
    def refund(self, request: RefundRequest) -> RefundResult:
        """Give `request.amount` back to the buyer (and, for Stripe, reverse the transfer)."""

    @abstractmethod
    def parse_event(self, body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        """Verify the signature of a webhook-style delivery and return the event, or raise
        `PaymentEventError`."""


# --- The signature scheme shared by the offline provider (and the same as Stripe's) ---------------
DEFAULT_TOLERANCE_SECONDS = 300


def sign_payload(body: bytes, *, secret: str, timestamp: int | None = None) -> str:
    """The header value `t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    body: bytes, header: str, *, secret: str, tolerance: int = DEFAULT_TOLERANCE_SECONDS
) -> None:
    """Raise `PaymentEventError` unless `header` signs `body` with `secret`, recently enough."""
    if not header:
        raise PaymentEventError(_("The event is not signed."), code=ErrorCode.BAD_SIGNATURE)
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _sep, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError, IndexError) as error:
        raise PaymentEventError(
            _("The event's signature header is malformed."), code=ErrorCode.BAD_SIGNATURE
        ) from error
    expected = sign_payload(body, secret=secret, timestamp=timestamp).split("v1=", 1)[1]
    if not any(hmac.compare_digest(expected, given) for given in parts.get("v1", [])):
        raise PaymentEventError(
            _("The event's signature does not match."), code=ErrorCode.BAD_SIGNATURE
        )
    if tolerance and abs(time.time() - timestamp) > tolerance:
        raise PaymentEventError(
            _("The event's signature is too old."), code=ErrorCode.BAD_SIGNATURE
        )


def load_json(body: bytes) -> dict:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise PaymentEventError(
            _("The event is not valid JSON."), code=ErrorCode.BAD_EVENT
        ) from error
    if not isinstance(data, dict):
        raise PaymentEventError(_("The event is not a JSON object."), code=ErrorCode.BAD_EVENT)
    return data


def header(headers: Mapping[str, str], name: str) -> str:
    """A header by name, case-insensitively (Django's `request.headers` or a plain dict)."""
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return ""
