"""Logistics' domain errors (STYLE: one domain error type with a code enum per app)."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from marketplace.core.errors import DomainError


class ErrorCode(StrEnum):
    NOT_DELIVERABLE = "not_deliverable"
    UNKNOWN_REGION = "unknown_region"
    INVALID_LINE = "invalid_line"
    OVERLAPPING_REGIONS = "overlapping_regions"
    INVALID_TEMPLATE = "invalid_template"
    TEMPLATE_IN_USE = "template_in_use"
    INVALID_CARRIER = "invalid_carrier"


class LogisticsError(DomainError):
    """A logistics rule refused the action. Nothing was changed."""


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
