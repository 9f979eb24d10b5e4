"""SEO: canonical URLs, meta and Open Graph tags, JSON-LD, the sitemap index and robots.txt."""

import json
import re

import pytest

from tests.catalog.storefront.conftest import clone_live_products

pytestmark = pytest.mark.django_db


def json_ld(html) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_product_page_has_canonical_open_graph_and_product_json_ld(client, live_tea, settings):
    settings.SITE_URL = "https://shop.example.com"
    html = client.get(f"/products/{live_tea.pk}/{live_tea.slug}/?utm_source=x").content.decode()
    canonical = f"https://shop.example.com/products/{live_tea.pk}/{live_tea.slug}/"

    assert f'<link rel="canonical" href="{canonical}">' in html
    assert '<meta property="og:type" content="product">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta property="og:image" content="https://shop.example.com/media/' in html
    description = "Hand-fried Longjing from the West Lake hills."
    assert f'<meta name="description" content="{description}">' in html
    product, breadcrumb = json_ld(html)
    assert product["@type"] == "Product" and product["name"] == live_tea.title
    assert product["offers"] == {
        "@type": "AggregateOffer",
        "url": canonical,
        "lowPrice": "88.00",
        "highPrice": "168.00",
        "priceCurrency": "CNY",
        "offerCount": 2,
        "availability": "https://schema.org/InStock",
        "seller": {"@type": "Organization", "name": "Shop A Teahouse"},
    }
    assert product["image"][0].startswith("https://shop.example.com/media/")
    assert [item["name"] for item in breadcrumb["itemListElement"]] == [
        "Home",
        "Food",
        "Tea",
        "Green tea",
        live_tea.title,
    ]


def test_json_ld_cannot_close_its_script_tag(client, shop, green_tea):
    from tests.catalog.storefront.conftest import publish
    from tests.factories.catalog import make_product, sku

    product = publish(
        make_product(
            shop,
            green_tea,
            code="X",
            title="Tea </script><script>alert(1)</script>",
            skus=[sku("X-1", "1.00", stock=1)],
        ),
        shop=shop,
    )
    html = client.get(f"/products/{product.pk}/{product.slug}/").content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)[0]["name"] == "Tea </script><script>alert(1)</script>"


def test_meta_title_and_description_of_the_seller_win(client, live_tea):
    from catalog.models import Product

    Product.objects.filter(pk=live_tea.pk).update(
        meta_title="Best Longjing", meta_description="Spring 2026 harvest."
    )
    html = client.get(f"/products/{live_tea.pk}/{live_tea.slug}/").content.decode()
    assert "<title>Best Longjing · Marketplace</title>" in html
    assert '<meta name="description" content="Spring 2026 harvest.">' in html


def test_category_pages_are_canonical_and_filtered_views_are_not_indexed(client, live_tea):
    path = f"/categories/{live_tea.category.slug}/"
    html = client.get(path).content.decode()
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{path}">' in html
    assert "noindex" not in html
    assert '"@type":"BreadcrumbList"' in html
    filtered = client.get(path + "?sort=price").content.decode()
    assert '<meta name="robots" content="noindex,follow">' in filtered
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{path}">' in filtered
    search = client.get("/search/?q=tea").content.decode()
    assert '<meta name="robots" content="noindex,follow">' in search


def test_sitemap_index_and_sections(client, live_tea, live_cup, shop, settings):
    from catalog.services import listing
    from catalog.storefront import sitemaps

    settings.SITE_URL = "https://shop.example.com"
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    body = index.content.decode()
    for section in ("pages", "categories", "products"):
        assert f"/sitemap-{section}.xml</loc>" in body

    products = client.get("/sitemap-products.xml").content.decode()
    loc = f"<loc>https://shop.example.com/products/{live_tea.pk}/{live_tea.slug}/</loc>"
    assert loc in products
    assert "<lastmod>" in products
    categories = client.get("/sitemap-categories.xml").content.decode()
    assert f"https://shop.example.com/categories/{live_tea.category.slug}/" in categories

    # Delisted products leave; a large catalogue is split into pages.
    listing.delist_product(live_tea, shop=shop, actor=shop.owner)
    from django.core.cache import cache

    cache.clear()
    assert f"/products/{live_tea.pk}/" not in client.get("/sitemap-products.xml").content.decode()
    sitemaps.ProductSitemap.limit = 10
    try:
        clone_live_products(live_cup, 15)
        cache.clear()
        index = client.get("/sitemap.xml").content.decode()
        assert "/sitemap-products.xml?p=2</loc>" in index
        page_two = client.get("/sitemap-products.xml?p=2").content.decode()
        assert page_two.count("<url>") == 6
    finally:
        sitemaps.ProductSitemap.limit = sitemaps.PRODUCTS_PER_PAGE


def test_robots_txt_names_the_sitemap(client, settings):
    settings.SITE_URL = "https://shop.example.com"
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://shop.example.com/sitemap.xml" in body
    assert "Disallow: /seller/" in body
