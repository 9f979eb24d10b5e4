"""The one application error type (STYLE: "one domain error type with a code enum per app").

Services raise `DomainError` (or a subclass) when a business rule refuses an action. The API's
exception handler turns it into a 400/409 JSON error; `DomainErrorFormMixin` puts it on a form.
"""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action. Nothing was changed."""

    status_code = 400

    def __init__(self, message, *, code: str = "invalid", field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field


class ConflictError(DomainError):
    """The action does not fit the object's current state (e.g. an invalid state transition)."""

    status_code = 409
