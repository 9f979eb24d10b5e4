"""Logistics' domain errors (STYLE: one domain error type with a code enum per app)."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.core.errors import ConflictError, DomainError


class ErrorCode(StrEnum):
    NOT_DELIVERABLE = "not_deliverable"
    UNKNOWN_REGION = "unknown_region"
    INVALID_LINE = "invalid_line"
    OVERLAPPING_REGIONS = "overlapping_regions"
    INVALID_TEMPLATE = "invalid_template"
    TEMPLATE_IN_USE = "template_in_use"
    INVALID_CARRIER = "invalid_carrier"
    INVALID_TRACKING_NUMBER = "invalid_tracking_number"
    DUPLICATE_TRACKING_NUMBER = "duplicate_tracking_number"
    INVALID_QUANTITY = "invalid_quantity"
    NOT_SHIPPABLE = "not_shippable"
    NOT_FOUND = "not_found"
    BAD_SIGNATURE = "bad_signature"
    BAD_EVENT = "bad_event"
    UNKNOWN_PARCEL = "unknown_parcel"
    BAD_FILE = "bad_file"


class LogisticsError(DomainError):
    """A logistics rule refused the action. Nothing was changed."""


class LogisticsConflict(ConflictError, LogisticsError):
    """The action does not fit the current state (HTTP 409)."""


class NotDeliverable(LogisticsError):
    """The shop does not deliver to `province` (a region code). The message names the province."""

    def __init__(self, province: str, *, province_name: str | None = None, message=None):
        from logistics.regions import region_name

        self.province = province
        self.province_name = province_name or region_name(province)
        super().__init__(
            message
            or _("This shop does not deliver to %(province)s.") % {"province": self.province_name},
            code=ErrorCode.NOT_DELIVERABLE,
            field="province",
        )


class WebhookRejected(LogisticsError):
    """A carrier webhook whose signature is missing or wrong (HTTP 401): nothing was read."""

    status_code = 401


class ParcelNotFound(LogisticsError):
    """A carrier reported on a tracking number no shipment has (HTTP 404)."""

    status_code = 404


class RowErrors(LogisticsError):
    """A bulk action refused: `rows` is [(row number, field, message)]. Nothing was written."""

    def __init__(self, rows: list[tuple[int, str, str]], message=None):
        self.rows = rows
        super().__init__(
            message
            or ngettext(
                "Nothing was shipped: %(count)d row needs fixing.",
                "Nothing was shipped: %(count)d rows need fixing.",
                len(rows),
            )
            % {"count": len(rows)},
            code=ErrorCode.BAD_FILE,
            field="file",
        )
