"""The demo catalogue: a few hundred bilingual products, created fast and only once."""

import io
import time

from django.db.models import F, Sum

from catalog import demo
from catalog.models import Category, Product, ProductImage, Sku, StockMovement
from catalog.storefront import search
from tests.factories.shops import ShopFactory


def test_seed_demo_builds_the_catalogue_once(db):
    for name, slug in (
        ("Jade Tea House", "jade"),
        ("Li Wei Handmade", "liwei"),
        ("Lumière Official", "lum"),
    ):
        ShopFactory(name=name, slug=slug)
    out = io.StringIO()
    started = time.monotonic()
    demo.seed_demo(out)
    elapsed = time.monotonic() - started

    products = Product.objects.filter(code__startswith=demo.CODE_PREFIX)
    assert products.count() >= 250
    assert elapsed < 60, elapsed
    assert products.filter(state="live").count() > 200
    assert products.filter(state="pending_review", category__requires_review=True).exists()
    assert not products.filter(state="live", main_image_thumb="").exists()
    assert not products.filter(search_vector__isnull=True).exists()
    assert Category.objects.filter(is_leaf=True).count() >= 15
    # Stock came through the ledger: every SKU's stock is the sum of its movements.
    mismatched = (
        Sku.objects.annotate(ledger=Sum("movements__quantity")).exclude(stock=F("ledger")).count()
    )
    assert mismatched == 0
    assert StockMovement.objects.filter(kind="sold").exists()
    assert Product.objects.filter(sales_count__gt=0).exists()
    # Bilingual: found in both languages.
    from django.contrib.postgres.search import SearchQuery

    for word in ("龙井", "longjing", "青瓷", "celadon", "面霜"):
        query = SearchQuery(search.build_tsquery(word), search_type="raw", config="simple")
        assert products.filter(search_vector=query).exists(), word

    count = products.count()
    images = ProductImage.objects.count()
    demo.seed_demo(io.StringIO())
    assert products.count() == count and ProductImage.objects.count() == images
