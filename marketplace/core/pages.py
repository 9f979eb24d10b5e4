"""The one way a page (a view, an admin action) shows a refusal from a service.

A service raises `DomainError` when a business rule refuses the action, having changed nothing.
The page wraps the call:

    if form.is_valid():
        with refusals(form=form):                       # the error lands on the field it names,
            product = services.save_product(...)        # or above the form
        if form.is_valid():                             # still valid: the service said yes
            return redirect(...)

    with refusals(request) as outcome:                  # a button: the error becomes a message
        services.delist_product(shop=request.shop, actor=request.user, product=product)
    if outcome.ok:
        messages.success(request, _("The product is off sale."))
    return redirect(...)

    for shop in queryset:                               # a bulk action: the message names the
        with refusals(request, about=shop):             # object ("Jade Tea House: ..."), and
            services.suspend_shop(shop, ...)            # the loop goes on with the next one

A form that maps error fields in its own way (a formset's rows, say) defines
`apply_domain_error(error)`; `refusals` calls it. The API has its own single translation of the
same error (`marketplace.core.api.exception_handler`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib import messages

from marketplace.core.errors import DomainError


@dataclass
class Outcome:
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def show_on_form(form, error: DomainError) -> None:
    """Put `error` on the form field it names, or above the form when the form has no such field."""
    custom = getattr(form, "apply_domain_error", None)
    if custom is not None:
        custom(error)
        return
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


def show_as_message(request, error: DomainError, *, about=None) -> None:
    text = str(error.message)
    messages.error(request, f"{about}: {text}" if about is not None else text)


@contextmanager
def refusals(request=None, *, form=None, about=None) -> Iterator[Outcome]:
    """Catch the block's `DomainError`; show it on `form`, else as a message on `request`
    (prefixed with `about`, the object a bulk action was working on, when given)."""
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as error:
        outcome.error = error
        if form is not None:
            show_on_form(form, error)
        else:
            show_as_message(request, error, about=about)
