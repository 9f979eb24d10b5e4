"""The seller center's sections: the sidebar menu, in order.

Each section names the URL it opens. The shops issue adds the role → section map that hides
sections from roles that may not use them and refuses them on the server.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    url_name: str


SECTIONS: list[Section] = [
    Section("dashboard", _("Dashboard"), "seller:dashboard"),
]


def menu_for(request, *, active: str) -> list[dict]:
    return [
        {"key": s.key, "label": s.label, "url": reverse(s.url_name), "active": s.key == active}
        for s in SECTIONS
    ]
