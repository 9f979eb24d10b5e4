"""The storefront layout for visitors without a session, rendered once and filled per page.

Around every storefront page sits the same layout: header, category menu, account links,
footer, language switcher. For a visitor with no session (no cart, no messages, not signed in)
it differs between pages only in the page's title, head tags and body, the words in the search
box and the path the language switcher returns to. So it is rendered once per template, language
and storefront version with a slot where each of those goes (`__storefront_slot_<name>__`), kept
in the storefront cache as the pieces between its slots, and a page is the pieces joined with
its own values: a cold page renders only its own body, never the layout again.
"""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.utils.html import escape

from catalog.storefront.cache import cached

_SLOT = re.compile(r"__storefront_slot_([a-z]+)__")


def _slot(name: str) -> str:
    return f"__storefront_slot_{name}__"


def layout(request, template: str, csrf_placeholder: str) -> tuple[str, ...]:
    """`template` rendered for a stateless visitor with slots, split at them: text, slot name,
    text, … (slot names at the odd positions)."""

    def build() -> tuple[str, ...]:
        page = {"title": _slot("title"), "meta": _slot("meta"), "body": _slot("body")}
        html = render_to_string(
            template,
            {
                "page": page,
                "csrf_token": csrf_placeholder,
                "current_path": _slot("path"),
                "search_text": _slot("search"),
            },
            request=request,
        )
        return tuple(_SLOT.split(html))

    return cached(request, "layout", template, build)


def fill(pieces: tuple[str, ...], page: dict, request) -> str:
    """The whole page: the layout's pieces with this page's values in the slots."""
    values = {
        "title": escape(page["title"]),
        "meta": page["meta"],
        "body": page["body"],
        "path": escape(request.get_full_path()),
        "search": escape(request.GET.get("q", "")),
    }
    return "".join(values[piece] if index % 2 else piece for index, piece in enumerate(pieces))
