"""The demo category tree (three top categories, their leaves, commission rates, one category
that needs review) and the attribute templates of tea, tea ware and beauty products.
"""

from __future__ import annotations

from decimal import Decimal

from catalog.models import AttributeDefinition, AttributeType, Category
from catalog.services import categories as category_services

# --- The category tree: (slug, English, Chinese, parent slug, requires review, commission %) --
CATEGORIES = [
    ("food", "Food and drink", "食品饮料", None, False, "5.00"),
    ("tea", "Tea", "茶叶", "food", False, "5.00"),
    ("green-tea", "Green tea", "绿茶", "tea", False, "5.00"),
    ("black-tea", "Black tea", "红茶", "tea", False, "5.00"),
    ("oolong-tea", "Oolong tea", "乌龙茶", "tea", False, "5.00"),
    ("puer-tea", "Pu'er tea", "普洱茶", "tea", False, "5.00"),
    ("white-tea", "White tea", "白茶", "tea", False, "5.00"),
    ("flower-tea", "Flower and herbal tea", "花草茶", "tea", False, "5.00"),
    ("home", "Home and living", "家居生活", None, False, "6.00"),
    ("tea-ware", "Tea ware", "茶具", "home", False, "6.00"),
    ("tea-cups", "Tea cups", "茶杯", "tea-ware", False, "6.00"),
    ("teapots", "Teapots", "茶壶", "tea-ware", False, "6.00"),
    ("gaiwan", "Gaiwan", "盖碗", "tea-ware", False, "6.00"),
    ("tea-sets", "Tea sets", "茶具套装", "tea-ware", False, "6.00"),
    ("beauty", "Beauty and personal care", "美妆个护", None, False, "8.00"),
    ("skin-care", "Skin care", "护肤", "beauty", False, "8.00"),
    ("face-cream", "Face creams", "面霜", "skin-care", False, "8.00"),
    ("serum", "Serums", "精华", "skin-care", False, "8.00"),
    ("cleanser", "Cleansers", "洁面", "skin-care", False, "8.00"),
    ("face-mask", "Face masks", "面膜", "skin-care", False, "8.00"),
    ("fragrance", "Fragrance", "香水", "beauty", True, "10.00"),
]

# (category slug, code, English, Chinese, type, unit, choices, required, filterable)
ATTRIBUTES = [
    ("tea", "origin", "Origin", "产地", AttributeType.TEXT, "", [], True, True),
    ("tea", "net_weight", "Net weight", "净含量", AttributeType.INTEGER, "g", [], True, False),
    (
        "tea",
        "grade",
        "Grade",
        "等级",
        AttributeType.CHOICE,
        "",
        [
            ["special", "Special grade", "特级"],
            ["first", "First grade", "一级"],
            ["second", "Second grade", "二级"],
        ],
        False,
        True,
    ),
    ("tea", "harvest_year", "Harvest year", "采摘年份", AttributeType.INTEGER, "", [], False, True),
    (
        "tea",
        "packaging",
        "Packaging",
        "包装",
        AttributeType.CHOICE,
        "",
        [["tin", "Tin", "罐装"], ["bag", "Bag", "袋装"], ["gift_box", "Gift box", "礼盒"]],
        False,
        True,
    ),
    ("tea", "organic", "Organic", "有机", AttributeType.BOOLEAN, "", [], False, True),
    (
        "tea-ware",
        "material",
        "Material",
        "材质",
        AttributeType.CHOICE,
        "",
        [
            ["porcelain", "Porcelain", "瓷"],
            ["celadon", "Celadon", "青瓷"],
            ["zisha", "Yixing clay", "紫砂"],
            ["glass", "Glass", "玻璃"],
            ["stoneware", "Stoneware", "粗陶"],
        ],
        True,
        True,
    ),
    ("tea-ware", "capacity", "Capacity", "容量", AttributeType.INTEGER, "ml", [], False, True),
    ("tea-ware", "handmade", "Handmade", "手工", AttributeType.BOOLEAN, "", [], False, True),
    (
        "tea-ware",
        "dishwasher_safe",
        "Dishwasher safe",
        "可用洗碗机",
        AttributeType.BOOLEAN,
        "",
        [],
        False,
        False,
    ),
    ("beauty", "volume", "Volume", "容量", AttributeType.INTEGER, "ml", [], True, False),
    (
        "beauty",
        "skin_type",
        "Skin type",
        "适合肤质",
        AttributeType.MULTI_CHOICE,
        "",
        [
            ["dry", "Dry", "干性"],
            ["oily", "Oily", "油性"],
            ["combination", "Combination", "混合性"],
            ["sensitive", "Sensitive", "敏感肌"],
            ["all", "All skin types", "所有肤质"],
        ],
        False,
        True,
    ),
    ("beauty", "made_in", "Made in", "产地", AttributeType.TEXT, "", [], False, True),
]


def seed_categories() -> dict[str, Category]:
    existing = {category.slug: category for category in Category.objects.all()}
    for slug, name, name_zh, parent, review, rate in CATEGORIES:
        if slug in existing:
            continue
        category = Category(
            slug=slug,
            name=name,
            name_zh=name_zh,
            parent=existing.get(parent) if parent else None,
            requires_review=review,
            commission_rate=Decimal(rate),
            position=len(existing),
        )
        existing[slug] = category_services.save_category(category)
    have = set(AttributeDefinition.objects.values_list("category__slug", "code"))
    AttributeDefinition.objects.bulk_create(
        AttributeDefinition(
            category=existing[slug],
            code=code,
            name=name,
            name_zh=name_zh,
            type=kind,
            unit=unit,
            choices=choices,
            required=required,
            filterable=filterable,
            position=position,
        )
        for position, (
            slug,
            code,
            name,
            name_zh,
            kind,
            unit,
            choices,
            required,
            filterable,
        ) in enumerate(ATTRIBUTES)
        if (slug, code) not in have
    )
    return {category.slug: category for category in Category.objects.all()}
