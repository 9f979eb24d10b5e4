"""Product cards of storefront lists (category pages, search, home rows, "more from this shop"),
written in Python from the listing columns.

A list page shows 24 to 96 cards; through the template engine each cost about as much as the
rest of the page (a URL reversed twice, a money filter, three translation blocks, a dozen
variable lookups). Here the strings a card needs that do not depend on the product (translations,
URL shapes, the decimal separator) are looked up once per list, and each card is one f-string
over its row (tests/catalog/storefront/test_cards.py holds every branch of its markup). Rows are
anything with the listing columns as attributes (`listings.LISTING_COLUMNS`).
"""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from catalog.storefront.seo import media_url
from marketplace.core.money import format_amount

_PK_MARK, _SLUG_MARK = 987654321, "slug-mark"


def _url_shape(name: str, *args) -> tuple[str, ...]:
    """The URL of `name` split around its arguments, to be joined with real ones."""
    url = reverse(name, args=args)
    for mark in args:
        head, _sep, tail = url.partition(str(mark))
        url = f"{head}\x00{tail}"
    return tuple(url.split("\x00"))


class CardWriter:
    """Everything a card needs that is the same for every card of a list."""

    def __init__(self):
        self.product_url = _url_shape("product-detail", _PK_MARK, _SLUG_MARK)
        self.shop_url = _url_shape("shop-detail", _SLUG_MARK)
        self.sold_out = escape(gettext("Sold out"))
        self.average_rating = escape(gettext("Average rating"))
        self.price_from = gettext("from %(price)s")
        self.decimal_separator = get_format("DECIMAL_SEPARATOR")

    def card(self, product) -> str:
        sold_out = product.total_stock <= 0
        title = escape(product.title)
        head, middle, tail = self.product_url
        url = f"{head}{product.id}{middle}{product.slug or 'item'}{tail}"
        if product.main_image_list:
            image = (
                f'<img src="{escape(media_url(product.main_image_list))}" alt="" width="480" '
                'height="480" loading="lazy" decoding="async">'
            )
        else:
            image = f'<span class="no-image" aria-hidden="true">{escape(product.title[:1])}</span>'
        badge = f'<span class="sold-out-badge">{self.sold_out}</span>' if sold_out else ""
        price = ""
        if product.max_price and product.max_price != product.min_price:
            price = escape(
                self.price_from % {"price": format_amount(product.min_price, product.currency)}
            )
        elif product.min_price is not None:
            price = escape(format_amount(product.min_price, product.currency))
        meta = ""
        if product.sales_count:
            meta = escape(
                ngettext("%(n)s sold", "%(n)s sold", product.sales_count)
                % {"n": product.sales_count}
            )
        if product.rating:
            rating = f"{product.rating:f}".replace(".", self.decimal_separator)
            meta += (
                f'{" · " if product.sales_count else ""}<span class="rating" '
                f'title="{self.average_rating}">★ {rating}</span>'
            )
        shop_head, shop_tail = self.shop_url
        return (
            f'<li class="product-card{" is-sold-out" if sold_out else ""}">\n'
            f'  <a class="product-card-link" href="{escape(url)}">\n'
            f'    <span class="product-card-image">{image}{badge}</span>\n'
            f'    <span class="product-card-title">{title}</span>\n'
            "  </a>\n"
            f'  <span class="product-card-price">{price}</span>\n'
            f'  <span class="product-card-meta">{meta}</span>\n'
            f'  <a class="product-card-shop" href="{shop_head}{escape(product.shop_slug)}'
            f'{shop_tail}">{escape(product.shop_name)}</a>\n'
            "</li>\n"
        )


def product_grid(products) -> SafeString:
    """`<ul class="product-grid">` of the cards of `products`."""
    writer = CardWriter()
    cards = "".join(writer.card(product) for product in products)
    return mark_safe(f'<ul class="product-grid">{cards}</ul>')  # noqa: S308 - escaped above
