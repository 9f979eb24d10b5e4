"""What the bulk actions of the shops admin share."""

from __future__ import annotations

from django.contrib import messages


class SelectedObject:
    """One object of a bulk action, for `refusals(form=SelectedObject(request, obj))`: a refusal
    becomes an error message that names the object ("Jade Tea House: …"), and the action goes
    on with the next one."""

    def __init__(self, request, obj):
        self.request = request
        self.obj = obj

    def apply_domain_error(self, error) -> None:
        messages.error(self.request, f"{self.obj}: {error.message}")
