"""`seed_demo(stdout)`, called by `manage.py seed_demo`: the demo catalogue in the three demo
shops (idempotent: it creates only what is missing). Rows are bulk-created; the listing columns
and search vectors are computed by `refresh_listings` in batches.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from catalog.demo.categories import seed_categories
from catalog.demo.pictures import pictures
from catalog.demo.products import CODE_PREFIX, SHOPS, beauty_items, tea_items, ware_items
from catalog.demo.stock import seed_stock
from catalog.models import Product, ProductImage, Sku
from catalog.services import listing
from catalog.text import make_slug
from marketplace.core.models import StateEvent


def seed_demo(stdout) -> None:
    from shops.models import Shop

    rng = random.Random(2026)  # noqa: S311 - reproducible demo data, not a secret
    categories = seed_categories()
    shops = {
        kind: Shop.objects.filter(name__startswith=name).order_by("pk").first()
        for name, kind in SHOPS.items()
    }
    if not any(shops.values()):
        stdout.write("catalog: no demo shops, skipped the products")
        return
    items = [*tea_items(rng), *ware_items(rng), *beauty_items(rng)]
    existing = set(
        Product.objects.filter(code__startswith=CODE_PREFIX).values_list("shop_id", "code")
    )
    items = [
        item
        for item in items
        if shops.get(item.shop_kind) and (shops[item.shop_kind].pk, item.code) not in existing
    ]
    if not items:
        stdout.write("catalog: demo products already in place")
        return

    now = timezone.now()
    products = []
    for index, item in enumerate(items):
        shop = shops[item.shop_kind]
        published = now - timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
        if index % 29 == 7:
            item.state = Product.State.DRAFT
        products.append(
            Product(
                shop=shop,
                category=categories[item.category],
                code=item.code,
                title=item.title,
                slug=f"{make_slug(item.title, fallback=item.code)[:110]}-{item.code.lower()}",
                description=item.description,
                attributes=item.attributes,
                variant_dimensions=[item.dimension] if item.dimension else [],
                tags=item.tags,
                search_keywords=item.keywords,
                meta_description=item.title[:160],
                state=item.state,
                published_at=published if item.state == Product.State.LIVE else None,
                state_changed_at=published,
                currency=shop.currency,
            )
        )
    Product.objects.bulk_create(products, batch_size=500)

    skus, images = [], []
    pools = {kind: pictures(kind) for kind in {item.shop_kind for item in items}}
    for product, item in zip(products, items, strict=True):
        for position, (option, price, cost) in enumerate(item.variants):
            skus.append(
                Sku(
                    shop_id=product.shop_id,
                    product=product,
                    code=f"{item.code}-{position + 1}",
                    options={item.dimension: option} if item.dimension else {},
                    option_key=option,
                    position=position,
                    price=price,
                    cost_price=cost,
                    weight=Decimal("0.300"),
                    warning_line=5,
                    lead_time_days=rng.choice([3, 5, 7, 10]),
                    low_stock_alerted=False,
                )
            )
        pool = pools[item.shop_kind]
        count = 6 if rng.random() < 0.35 else rng.randint(2, 5)
        start = rng.randrange(len(pool))
        for position in range(count):
            names = pool[(start + position * 3) % len(pool)]
            images.append(
                ProductImage(
                    shop_id=product.shop_id,
                    product=product,
                    kind=ProductImage.Kind.MAIN if position < 2 else ProductImage.Kind.DETAIL,
                    position=position,
                    thumbnail=names["thumbnail"],
                    list_size=names["list"],
                    detail_size=names["detail"],
                    width=1200,
                    height=1200,
                    status=ProductImage.Status.READY,
                    alt_text=item.title[:200],
                )
            )
    Sku.objects.bulk_create(skus, batch_size=1000)
    ProductImage.objects.bulk_create(images, batch_size=1000)

    seed_stock(skus, rng)

    # State history rows for what is on sale or in review, as the state machine would write.
    content_type = ContentType.objects.get_for_model(Product)
    StateEvent.objects.bulk_create(
        StateEvent(
            content_type=content_type,
            object_id=str(product.pk),
            machine=Product.state_machine.name,
            from_state=Product.State.DRAFT,
            to_state=product.state,
            reason="demo",
            shop_id=product.shop_id,
        )
        for product in products
        if product.state != Product.State.DRAFT
    )
    ids = [product.pk for product in products]
    for start in range(0, len(ids), 500):
        listing.refresh_listings(ids[start : start + 500])
    stdout.write(
        f"catalog: {len(products)} products, {len(skus)} SKUs, {len(images)} images in "
        f"{len(categories)} categories"
    )
