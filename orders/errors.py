"""The orders chapter's domain errors: core's `DomainError` / `ConflictError` with a code enum.

Views show them as a message or on the form field they name; the API answers 400 (409 for a
conflict with the current state) with the one JSON error shape.
"""

from __future__ import annotations

from enum import StrEnum

from marketplace.core.errors import ConflictError, DomainError


class ErrorCode(StrEnum):
    INVALID = "invalid"
    INVALID_QUANTITY = "invalid_quantity"
    UNAVAILABLE = "unavailable"
    INSUFFICIENT_STOCK = "insufficient_stock"
    EMPTY_CART = "empty_cart"
    NO_ADDRESS = "no_address"
    NOT_DELIVERABLE = "not_deliverable"
    PRICES_CHANGED = "prices_changed"
    INVALID_INVOICE = "invalid_invoice"
    CHECKOUT_TAKEN = "checkout_taken"
    NOT_PAYABLE = "not_payable"
    NOT_CANCELLABLE = "not_cancellable"
    REASON_REQUIRED = "reason_required"
    PAYMENT_PROVIDER = "payment_provider"
    BAD_SIGNATURE = "bad_signature"
    BAD_EVENT = "bad_event"
    NOT_FOUND = "not_found"
    TOO_MUCH = "too_much"  # a refund above what is left to refund
    NO_PAYMENT = "no_payment"  # nothing was paid that could be refunded


class OrdersError(DomainError):
    """A rule of the orders chapter refused the action; nothing was changed."""


class OrdersConflict(ConflictError, OrdersError):
    """The action does not fit the current state (HTTP 409)."""


class PaymentEventError(OrdersError):
    """A webhook-style payment event that cannot be trusted (bad signature, malformed)."""
