"""Factories of the catalog. Categories and products are made through the services, so their
paths, listing columns, search vectors and opening-stock ledger rows are the real ones."""

from __future__ import annotations

import io
import itertools

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify
from PIL import Image

from catalog.models import AttributeDefinition, AttributeType, Category, Product, ProductImage
from catalog.services import categories as category_services
from catalog.services import products as product_services

_slugs = itertools.count(1)


def make_category(name="Tea", *, parent=None, name_zh="", slug=None, **fields) -> Category:
    category = Category(
        name=name,
        name_zh=name_zh or name,
        slug=slug or f"{slugify(name)}-{next(_slugs)}",
        parent=parent,
        **fields,
    )
    return category_services.save_category(category)


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttributeDefinition

    code = factory.Sequence(lambda n: f"attr{n}")
    name = factory.Sequence(lambda n: f"Attribute {n}")
    name_zh = factory.Sequence(lambda n: f"属性{n}")
    type = AttributeType.TEXT


def tea_category(*, requires_review=False) -> Category:
    """Food › Tea › Green tea (leaf) with a template: origin (required text), weight (integer,
    g), grade (choice), organic (boolean)."""
    food = make_category("Food", name_zh="食品")
    tea = make_category("Tea", name_zh="茶叶", parent=food)
    green = make_category("Green tea", name_zh="绿茶", parent=tea, requires_review=requires_review)
    AttributeFactory(category=tea, code="origin", name="Origin", name_zh="产地", required=True)
    AttributeFactory(
        category=green,
        code="net_weight",
        name="Net weight",
        name_zh="净含量",
        type=AttributeType.INTEGER,
        unit="g",
    )
    AttributeFactory(
        category=green,
        code="grade",
        name="Grade",
        name_zh="等级",
        type=AttributeType.CHOICE,
        choices=[["special", "Special grade", "特级"], ["first", "First grade", "一级"]],
        filterable=True,
    )
    AttributeFactory(
        category=green, code="organic", name="Organic", name_zh="有机", type=AttributeType.BOOLEAN
    )
    green.refresh_from_db()
    return green


def sku(code, price="10.00", stock=0, **options_and_fields) -> product_services.SkuData:
    fields = {
        k: options_and_fields.pop(k)
        for k in list(options_and_fields)
        if k in ("cost_price", "weight", "barcode", "warning_line", "lead_time_days", "id")
    }
    return product_services.SkuData(
        code=code, price=price, stock=stock, options=options_and_fields, **fields
    )


def product_data(category, **overrides) -> product_services.ProductData:
    values = {
        "category": category,
        "title": "West Lake Longjing green tea 250g",
        "description": "<p>Hand-fried Longjing from the West Lake hills.</p>",
        "attributes": {"origin": "Hangzhou"},
        "skus": [sku("LJ-250", "88.00", stock=10)],
        "search_keywords": "longjing, green tea",
    }
    values.update(overrides)
    return product_services.ProductData(**values)


def make_product(shop, category=None, *, actor=None, **overrides) -> Product:
    category = category or tea_category()
    return product_services.create_product(
        shop=shop,
        actor=actor or getattr(shop, "owner", None),
        data=product_data(category, **overrides),
    )


def image_bytes(fmt="PNG", size=(400, 400), color=(30, 120, 60), **save_kwargs) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt, **save_kwargs)
    return buffer.getvalue()


def image_upload(name="tea.png", fmt="PNG", size=(400, 400), **kwargs) -> SimpleUploadedFile:
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, image_bytes(fmt, size, **kwargs), content_type=content_type)


def add_ready_image(product, *, kind=ProductImage.Kind.MAIN) -> ProductImage:
    """Upload one image and process it (what the Celery task does after commit)."""
    from catalog.services import images

    created = images.add_images(product, [image_upload()], shop=product.shop, kind=kind)
    images.process_image(created[0].pk)
    created[0].refresh_from_db()
    product.refresh_from_db()
    return created[0]
