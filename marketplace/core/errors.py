"""The one application error type (STYLE: "one domain error type with a code enum per app").

Services raise `DomainError` (or a subclass) when a business rule refuses an action. The API's
exception handler turns it into a 400/409 JSON error; `marketplace.core.pages.refusals` puts it
on a form field or shows it as a message.
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


def full_clean_or_raise(instance, **kwargs) -> None:
    """`instance.full_clean(**kwargs)`, with a Django ValidationError turned into a DomainError on
    its first field, so services raise one error type that forms and the API both understand."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            field, messages = next(iter(error.message_dict.items()))
            field = None if field == "__all__" else field
        else:
            field, messages = None, error.messages
        raise DomainError(messages[0], code="invalid", field=field) from error
