"""Text that is not text, refused once, before any view or query sees it.

PostgreSQL cannot hold or compare a NUL character ("A string literal cannot contain NUL
characters"), and bytes that are not UTF-8 (a lone surrogate, `%FF`) are not text at all. In a
slug, a search term, a filter, a form field or a header, either would reach a query and end in a
500. So:

- `InvalidTextMiddleware` (near the top of `MIDDLEWARE`) checks the path, every query parameter,
  every field and file name of a page's form body, and the request headers, and answers 400: the
  API's JSON error shape under `/api/` (naming the parameter or field), the 400 page elsewhere.
- API bodies are JSON, parsed by DRF inside the view: `marketplace.core.api.StrictFieldsMixin`
  (under every input serializer) refuses invalid text anywhere in a field's value, dict keys and
  nested lists included, which DRF's own `CharField` checks do not reach (`DictField`, `JSONField`).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from django.core.handlers.wsgi import WSGIRequest
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext as _

from marketplace.core.views import bad_request

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_text(value: str | bytes) -> bool:
    """True when `value` is valid UTF-8 (bytes) or has no lone surrogate (str), and no NUL."""
    try:
        text = value.decode("utf-8") if isinstance(value, bytes) else value
        text.encode("utf-8")
    except UnicodeError:
        return False
    return "\x00" not in text


def holds_invalid_text(value) -> bool:
    """True when a string anywhere in `value` (a parsed JSON document: keys too) is not text."""
    if isinstance(value, str):
        return not is_text(value)
    if isinstance(value, dict):
        return any(holds_invalid_text(k) or holds_invalid_text(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(holds_invalid_text(item) for item in value)
    return False


def invalid_text_message() -> str:
    return _("Null characters and text that is not valid UTF-8 are not allowed.")


def _raw_query_string(request) -> bytes:
    """The query string as the client sent it: WSGI hands it over as bytes read as latin-1
    (PEP 3333), ASGI as text."""
    query = request.META.get("QUERY_STRING", "")
    if isinstance(request, WSGIRequest):
        try:
            return query.encode("iso-8859-1")
        except UnicodeEncodeError:
            pass
    return query.encode("utf-8", "surrogatepass")


def find_invalid_text(request, *, read_form: bool = True) -> tuple[str, str] | None:
    """Where `request` carries invalid text, as (place, name): ("path", ""), ("query", parameter),
    ("header", header) or ("form", field); None when it carries none. A parameter or field whose
    own name is invalid is reported with an empty name."""
    # The path is text already: Django re-percent-encodes bytes that are not UTF-8 (RFC 3987),
    # so such a path is only an unknown address (404). A NUL stays a NUL.
    if not is_text(request.path_info):
        return ("path", "")
    for pair in _raw_query_string(request).split(b"&"):
        name, _sep, value = pair.partition(b"=")
        name = unquote_to_bytes(name.replace(b"+", b" "))
        if not is_text(name):
            return ("query", "")
        if not is_text(unquote_to_bytes(value.replace(b"+", b" "))):
            return ("query", name.decode("utf-8"))
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
            return ("header", key.removeprefix("HTTP_").replace("_", "-").title())
    if read_form and request.method == "POST" and request.content_type in FORM_TYPES:
        return _find_in_form(request)
    return None


def _find_in_form(request) -> tuple[str, str] | None:
    """A form body is parsed here; Django keeps the result for the view (as the CSRF check does)."""
    try:
        fields, files = request.POST, request.FILES
    except MultiPartParserError:
        return ("form", "")
    for name, values in fields.lists():
        if not is_text(name):
            return ("form", "")
        if not all(is_text(value) for value in values):
            return ("form", name)
    for name, uploads in files.lists():
        if not all(is_text(upload.name or "") for upload in uploads):
            return ("form", name if is_text(name) else "")
    return None


class InvalidTextMiddleware:
    """Answer 400 to a request whose address, headers or page form carry invalid text (see the
    module). It sits right after SecurityMiddleware, so nothing below it ever sees such text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path_info.startswith("/api/")
        where = find_invalid_text(request, read_form=not is_api)  # API bodies: the serializers
        if where is None:
            return self.get_response(request)
        with translation.override(translation.get_language_from_request(request)):
            if is_api:
                return _api_error(name=where[1])
            return bad_request(request)


def _api_error(*, name: str) -> JsonResponse:
    from marketplace.core.api import error_body

    if name:
        message, fields = _("Some fields are not valid."), {name: [invalid_text_message()]}
    else:
        message, fields = _("The request contains characters that are not allowed."), {}
    return JsonResponse(error_body("invalid", message, fields), status=400)
