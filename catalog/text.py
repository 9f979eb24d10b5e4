"""Text rules of listings: sanitised rich descriptions, keyword lists, slugs."""

from __future__ import annotations

import re
import unicodedata

import nh3
from django.utils.html import strip_tags
from django.utils.text import slugify

# What a seller may use in a description: structure, emphasis, lists, tables, images, links.
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "blockquote",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "img", "a", "span", "div",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_KEYWORD_SPLIT = re.compile(r"[,，、;；\n]+")


def sanitize_description(html: str) -> str:
    """Only harmless tags and attributes survive; links get rel="noopener noreferrer nofollow"."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def plain_text(html: str) -> str:
    return " ".join(strip_tags(html or "").split())


def split_keywords(text: str) -> list[str]:
    """Keywords separated by commas (also full-width ，、), semicolons or new lines."""
    seen: dict[str, None] = {}
    for part in _KEYWORD_SPLIT.split(text or ""):
        word = " ".join(part.split())
        if word:
            seen.setdefault(word, None)
    return list(seen)


def normalize_title(title: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", title or "").split())


def make_slug(text: str, *, fallback: str = "product") -> str:
    """An ASCII slug; titles in Chinese give none, so the fallback (e.g. the product code)."""
    slug = slugify(unicodedata.normalize("NFKD", text or ""))[:120].strip("-")
    return slug or slugify(fallback)[:120] or "product"
