"""The toolbar (result count, sort) and the pagination of storefront lists, written in Python like
the cards (catalog.storefront.cards): every list page has both, and through the template engine
they cost as much as the 24 cards between them."""

from __future__ import annotations

from html import escape

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext


def toolbar(listing, sort_choices, sort_value: str) -> SafeString:
    if listing.total_is_lower_bound:
        count = gettext("More than %(n)s products") % {"n": intcomma(listing.total)}
    else:
        count = ngettext("%(n)s product", "%(n)s products", listing.total) % {"n": listing.total}
    options = "".join(
        f'<option value="{escape(str(value))}"{" selected" if value == sort_value else ""}>'
        f"{escape(str(label))}</option>"
        for value, label in sort_choices
    )
    return mark_safe(  # noqa: S308 - escaped above
        '<div class="listing-toolbar">\n'
        f'  <h2 id="results-title" class="result-count">{escape(count)}</h2>\n'
        '  <div class="sort-control">\n'
        f'    <label for="sort-select">{escape(gettext("Sort by"))}</label>\n'
        '    <select id="sort-select" name="sort" form="product-filters" data-autosubmit>\n'
        f"      {options}\n"
        "    </select>\n"
        "  </div>\n"
        "</div>\n"
    )


def pagination(listing, links: dict, base_url: str) -> SafeString:
    """`links`: what views' `_pagination` computed (previous, next and numbered query strings)."""
    if listing.num_pages <= 1:
        return mark_safe("")
    base = escape(base_url)
    parts = [f'<nav class="pagination" aria-label="{escape(gettext("Pages"))}">\n']
    if links["previous"] or listing.has_previous:
        parts.append(
            f'  <a class="button button-small" rel="prev" href="{base}'
            f'{escape(links["previous"])}">{escape(gettext("Previous"))}</a>\n'
        )
    items = []
    for link in links["links"]:
        if link.get("gap"):
            items.append('<li class="gap" aria-hidden="true">…</li>')
        elif link["current"]:
            items.append(f'<li><span aria-current="page">{link["number"]}</span></li>')
        else:
            items.append(f'<li><a href="{base}{escape(link["url"])}">{link["number"]}</a></li>')
    parts.append(f"  <ol>{''.join(items)}</ol>\n")
    if links["next"]:
        parts.append(
            f'  <a class="button button-small" rel="next" href="{base}'
            f'{escape(links["next"])}">{escape(gettext("Next"))}</a>\n'
        )
    parts.append("</nav>")
    return mark_safe("".join(parts))  # noqa: S308 - escaped above
