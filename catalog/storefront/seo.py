"""What search engines and link previews read: absolute canonical URLs, meta descriptions, Open
Graph tags and JSON-LD (schema.org Product, Offer/AggregateOffer, BreadcrumbList).

Absolute URLs are built from `settings.SITE_URL`, never from the request's Host header, so a
page cached for one visitor is right for every other and a forged Host cannot reach a
canonical link.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.html import conditional_escape as escape
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

DESCRIPTION_LENGTH = 160
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def media_url(name: str) -> str:
    """The public URL of a stored file name ("" stays "")."""
    return default_storage.url(name) if name else ""


def plain_description(html: str, *, length: int = DESCRIPTION_LENGTH) -> str:
    text = " ".join(strip_tags(html or "").split())
    return Truncator(text).chars(length)


def json_ld(data) -> SafeString:
    """A JSON-LD document, safe inside <script type="application/ld+json"> (no "</script>")."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_default)
    return mark_safe(text.translate(_JSON_ESCAPES))  # noqa: S308 - escaped just above


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"Not JSON serialisable: {value!r}")


def breadcrumb_ld(items: list[tuple[str, str]]) -> dict:
    """`items`: (name, path) from the root down."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": name, "item": absolute_url(path)}
            for index, (name, path) in enumerate(items, start=1)
        ],
    }


AVAILABILITY = {
    True: "https://schema.org/InStock",
    False: "https://schema.org/OutOfStock",
}


def product_ld(*, product, url: str, images: list[str], skus, description: str) -> dict:
    """schema.org Product with one Offer per SKU (or an AggregateOffer for many)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "url": absolute_url(url),
        "sku": product.code or str(product.pk),
        "description": description,
        "image": [absolute_url(image) for image in images],
        "brand": {"@type": "Brand", "name": product.shop.brand_name or product.shop_name},
    }
    if product.rating is not None and product.review_count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": str(product.rating),
            "reviewCount": product.review_count,
        }
    seller = {"@type": "Organization", "name": product.shop_name}
    if len(skus) == 1:
        sku = skus[0]
        data["offers"] = {
            "@type": "Offer",
            "url": absolute_url(url),
            "sku": sku.code,
            "price": str(sku.price),
            "priceCurrency": product.currency,
            "availability": AVAILABILITY[sku.stock > 0],
            "seller": seller,
        }
    elif skus:
        data["offers"] = {
            "@type": "AggregateOffer",
            "url": absolute_url(url),
            "lowPrice": str(min(sku.price for sku in skus)),
            "highPrice": str(max(sku.price for sku in skus)),
            "priceCurrency": product.currency,
            "offerCount": len(skus),
            "availability": AVAILABILITY[any(sku.stock > 0 for sku in skus)],
            "seller": seller,
        }
    return data


def meta_tags(
    *,
    description: str = "",
    robots: str = "",
    canonical: str = "",
    prev_url: str = "",
    next_url: str = "",
    og_title: str = "",
    og_type: str = "",
    og_image: str = "",
    price=None,
    currency: str = "",
    documents: list[dict] = (),
) -> SafeString:
    """The head tags of a storefront page: description, robots, canonical and prev/next links,
    Open Graph (with the product price) and JSON-LD documents. Written in Python: every page
    has them, and as a template they cost as much as a small page."""
    lines = []
    if description:
        lines.append(f'<meta name="description" content="{escape(description)}">')
    if robots:
        lines.append(f'<meta name="robots" content="{escape(robots)}">')
    if canonical:
        lines.append(f'<link rel="canonical" href="{escape(canonical)}">')
    if prev_url:
        lines.append(f'<link rel="prev" href="{escape(prev_url)}">')
    if next_url:
        lines.append(f'<link rel="next" href="{escape(next_url)}">')
    if og_title:
        lines.append('<meta property="og:site_name" content="Marketplace">')
        lines.append(f'<meta property="og:type" content="{escape(og_type or "website")}">')
        lines.append(f'<meta property="og:title" content="{escape(og_title)}">')
        if description:
            lines.append(f'<meta property="og:description" content="{escape(description)}">')
        if canonical:
            lines.append(f'<meta property="og:url" content="{escape(canonical)}">')
        if og_image:
            lines.append(f'<meta property="og:image" content="{escape(og_image)}">')
            lines.append('<meta name="twitter:card" content="summary_large_image">')
        else:
            lines.append('<meta name="twitter:card" content="summary">')
        locale = "zh_CN" if translation.get_language() == "zh-hans" else "en_US"
        lines.append(f'<meta property="og:locale" content="{locale}">')
        if price is not None and price != "":
            lines.append(f'<meta property="product:price:amount" content="{escape(price)}">')
            lines.append(f'<meta property="product:price:currency" content="{escape(currency)}">')
    for document in documents:
        lines.append(f'<script type="application/ld+json">{json_ld(document)}</script>')
    return mark_safe("".join(line + "\n" for line in lines))  # noqa: S308 - escaped above
