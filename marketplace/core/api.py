"""API building blocks shared by every app: the JSON error shape, pagination, strict serializers.

Every error the API returns has one shape, so integrators parse one thing:

    {"error": {"code": "invalid", "message": "…",
               "fields": {"email": ["…"], "non_field_errors": ["…"]}}}
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from marketplace.core.errors import DomainError
from marketplace.core.invalid_text import holds_invalid_text, invalid_text_message


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


def _as_field_dict(detail) -> dict:
    if isinstance(detail, dict):
        return {key: _as_list(value) for key, value in detail.items()}
    return {"non_field_errors": _as_list(detail)}


def _as_list(value):
    if isinstance(value, dict):
        return {key: _as_list(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_list(item) if isinstance(item, dict | list) else str(item) for item in value]
    return [str(value)]


def error_body(code: str, message: str, fields: dict) -> dict:
    """The one error shape: `{"error": {"code", "message", "fields"}}`."""
    return {"error": {"code": code, "message": str(message), "fields": fields}}


def exception_handler(exc, context):
    """DRF exception handler producing the one error shape for every failure."""
    if isinstance(exc, DomainError):
        fields = {exc.field: [str(exc.message)]} if exc.field else {}
        return Response(error_body(exc.code, exc.message, fields), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handling (and logging) takes over
    if isinstance(exc, exceptions.ValidationError):
        body = error_body("invalid", _("Some fields are not valid."), _as_field_dict(exc.detail))
    else:
        detail = getattr(exc, "detail", "")
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = error_body(code, detail, {})
    response.data = body
    return response


class StrictFieldsMixin:
    """Refuse fields the serializer does not know, instead of silently dropping them.

    A typo in an integrator's payload (`emial`) must fail loudly, not save a half-filled object.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            known = set(self.fields)
            unknown = sorted(set(data) - known)
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
            # Invalid text anywhere in a value (dict keys and nested lists too, where DRF's
            # CharField checks do not reach): see marketplace.core.invalid_text.
            invalid = sorted(name for name, value in data.items() if holds_invalid_text(value))
            if invalid:
                message = invalid_text_message()
                raise serializers.ValidationError({name: [message] for name in invalid})
        return super().to_internal_value(data)


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    pass


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    pass
