"""sitemap.xml for search engines (django.contrib.sitemaps): an index of sections, each split
into pages of `PRODUCTS_PER_PAGE` URLs (the protocol allows 50,000; smaller pages stay fast to
build on a large catalogue).

Sections: the fixed pages, every open category, every product on sale. URLs are absolute from
`settings.SITE_URL`. `lastmod` of the product section is one aggregate, not a walk over every
product (Django's default would load them all to find the latest).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from catalog.storefront import listings
from catalog.storefront.categories import category_tree

PRODUCTS_PER_PAGE = 10_000
SITEMAP_CACHE_SECONDS = 60 * 60


class SiteUrlSitemap(Sitemap):
    """Absolute URLs on SITE_URL's scheme and host, whatever the request's Host header."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class StaticSitemap(SiteUrlSitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["home", "category-list"]

    def location(self, item):
        return reverse(item)


class CategorySitemap(SiteUrlSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return list(category_tree().by_id.values())

    def location(self, item):
        return item.get_absolute_url()


class ProductSitemap(SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = PRODUCTS_PER_PAGE

    def items(self):
        return listings.live_products().order_by("id").only("id", "slug", "updated_at")

    def location(self, item):
        return listings.product_url(item.pk, item.slug)

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return listings.live_products().aggregate(latest=Max("updated_at"))["latest"]


SITEMAPS = {
    "pages": StaticSitemap,
    "categories": CategorySitemap,
    "products": ProductSitemap,
}
