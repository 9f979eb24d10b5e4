"""Rendered once, filled per page: the storefront layout for visitors without a session, and
the frame of a list page around its results.

Around every storefront page sits the same layout: header, category menu, account links,
footer, language switcher. For a visitor with no session (no cart, no messages, not signed in)
it differs between pages only in the page's title, head tags and body, the words in the search
box and the path the language switcher returns to. So it is rendered once per template, language
and storefront version with a slot where each of those goes (`__storefront_slot_<name>__`), kept
in the storefront cache as the pieces between its slots, and a page is the pieces joined with
its own values: a cold page renders only its own body, never the layout again.

List pages do the same inside their body (`frame`): a category's heading, subcategories and
filter panel are the same on each of its pages and sorts, a search's for every query, so only
the results (toolbar, cards, pagination) are rendered per page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils.html import escape

from catalog.storefront.cache import cached

_SLOT = re.compile(r"__storefront_slot_([a-z]+)__")


def slot(name: str) -> str:
    """The mark of a slot in rendered HTML (letters only: escaping leaves it as it is)."""
    return f"__storefront_slot_{name}__"


def split(html: str) -> tuple[str, ...]:
    """HTML with slots as text, slot name, text, … (slot names at the odd positions)."""
    return tuple(_SLOT.split(html))


def join(pieces: tuple[str, ...], values: dict[str, str]) -> str:
    """The pieces with `values` (HTML, already escaped) in their slots."""
    return "".join(values[piece] if index % 2 else piece for index, piece in enumerate(pieces))


def layout(request, template: str, csrf_placeholder: str) -> tuple[str, ...]:
    """`template` rendered for a stateless visitor with slots, split at them."""

    def build() -> tuple[str, ...]:
        page = {"title": slot("title"), "meta": slot("meta"), "body": slot("body")}
        html = render_to_string(
            template,
            {
                "page": page,
                "csrf_token": csrf_placeholder,
                "current_path": slot("path"),
                "search_text": slot("search"),
            },
            request=request,
        )
        return split(html)

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
    return join(pieces, values)


def frame(request, name: str, key, render: Callable[[], str]) -> tuple[str, ...]:
    """A list page's body around its results, rendered by `render` with slots (at least
    `results`), split and cached under `name` and `key`."""
    return cached(request, name, key, lambda: split(render()))
