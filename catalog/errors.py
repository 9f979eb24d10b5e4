"""The catalog's domain errors: one error type (core's `DomainError`) with a code enum.

Views show them on the field they name (or at the top of the form), the API answers 400/409 with
the one JSON error shape (`marketplace.core.api.exception_handler`).
"""

from __future__ import annotations

from enum import StrEnum

from marketplace.core.errors import ConflictError, DomainError


class ErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_LEAF = "category_not_leaf"
    PROHIBITED_WORD = "prohibited_word"
    INSUFFICIENT_STOCK = "insufficient_stock"
    BELOW_ZERO = "stock_below_zero"
    NOT_RESERVED = "not_reserved"
    NOT_SOLD = "not_sold"
    UNKNOWN_SKU = "unknown_sku"
    TOO_MANY_IMAGES = "too_many_images"
    NOT_READY = "not_ready_to_publish"
    SHOP_CANNOT_LIST = "shop_cannot_list"
    NOT_EDITABLE = "not_editable"
    IN_USE = "in_use"
    BAD_FILE = "bad_file"
    BAD_COLUMNS = "bad_columns"
    BAD_ENCODING = "bad_encoding"


class CatalogError(DomainError):
    pass


class CatalogConflict(ConflictError, CatalogError):
    """A catalog error that is about the current state (HTTP 409)."""


class InsufficientStock(CatalogConflict):
    """Not enough stock (or reservation) for a line; nothing was changed."""

    def __init__(self, message, *, sku_id: int, available: int, code=ErrorCode.INSUFFICIENT_STOCK):
        super().__init__(message, code=str(code), field="quantity")
        self.sku_id = sku_id
        self.available = available
