"""Demo catalogue for `manage.py seed_demo` (idempotent: it creates only what is missing).

About 300 bilingual products in the three demo shops — tea in Jade Tea House, tea ware in Li Wei
Handmade, skin care and fragrance in the Lumière flagship store — on a category tree with
attribute templates, with variants, stock received through the ledger, a few weeks of sales,
a few SKUs under their warning line, and pictures drawn with Pillow.

Fast: rows are bulk-created, stock goes through `catalog.services.inventory` in a handful of
multi-line calls (one conditional UPDATE and one ledger INSERT each), and the listing columns and
search vectors are computed by `refresh_listings` in batches. The pictures (a few dozen) are
drawn once and shared between products.
"""

from __future__ import annotations

import io
import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageDraw

from catalog.models import AttributeDefinition, AttributeType, Category, Product, ProductImage, Sku
from catalog.services import categories as category_services
from catalog.services import inventory, listing
from catalog.services.images import PRODUCT_IMAGE_SPEC
from catalog.text import make_slug
from marketplace.core.models import StateEvent

CODE_PREFIX = "DEMO-"
IMAGE_DIR = "catalog/demo"

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

# --- What the shops sell ---------------------------------------------------------------------
TEAS = [
    # (category, English, Chinese, origin en, origin zh, base price per 50 g)
    ("green-tea", "West Lake Longjing", "西湖龙井", "Hangzhou", "杭州", "68"),
    ("green-tea", "Biluochun", "碧螺春", "Suzhou", "苏州", "58"),
    ("green-tea", "Huangshan Maofeng", "黄山毛峰", "Huangshan", "黄山", "42"),
    ("green-tea", "Xinyang Maojian", "信阳毛尖", "Xinyang", "信阳", "38"),
    ("green-tea", "Anji Bai Cha", "安吉白茶", "Anji", "安吉", "62"),
    ("black-tea", "Keemun", "祁门红茶", "Qimen", "祁门", "45"),
    ("black-tea", "Dianhong", "滇红", "Yunnan", "云南", "32"),
    ("black-tea", "Jin Jun Mei", "金骏眉", "Wuyi", "武夷山", "88"),
    ("black-tea", "Lapsang Souchong", "正山小种", "Tongmu", "桐木关", "40"),
    ("oolong-tea", "Tieguanyin", "铁观音", "Anxi", "安溪", "48"),
    ("oolong-tea", "Da Hong Pao", "大红袍", "Wuyi", "武夷山", "78"),
    ("oolong-tea", "Dong Ding Oolong", "冻顶乌龙", "Nantou", "南投", "56"),
    ("oolong-tea", "Phoenix Dancong", "凤凰单丛", "Chaozhou", "潮州", "52"),
    ("puer-tea", "Raw Pu'er cake", "普洱生茶饼", "Menghai", "勐海", "36"),
    ("puer-tea", "Ripe Pu'er cake", "普洱熟茶饼", "Menghai", "勐海", "30"),
    ("white-tea", "Silver Needle", "白毫银针", "Fuding", "福鼎", "72"),
    ("white-tea", "White Peony", "白牡丹", "Fuding", "福鼎", "44"),
    ("white-tea", "Shou Mei", "寿眉", "Zhenghe", "政和", "26"),
    ("flower-tea", "Jasmine pearls", "茉莉龙珠", "Fuzhou", "福州", "34"),
    ("flower-tea", "Chrysanthemum buds", "胎菊", "Tongxiang", "桐乡", "18"),
    ("flower-tea", "Osmanthus oolong", "桂花乌龙", "Guilin", "桂林", "28"),
]
TEA_STYLES = [
    # (English, Chinese, grade, packaging, price factor)
    ("spring harvest", "春茶", "special", "tin", "1.4"),
    ("classic", "经典款", "first", "bag", "1.0"),
    ("gift box", "礼盒装", "special", "gift_box", "1.8"),
    ("everyday", "口粮茶", "second", "bag", "0.7"),
    ("organic", "有机", "first", "tin", "1.25"),
    ("high mountain", "高山", "first", "tin", "1.3"),
    ("tasting sampler", "品鉴装", "special", "bag", "0.9"),
]
TEA_WEIGHTS = [("50g", 50, "1"), ("100g", 100, "1.9"), ("250g", 250, "4.5")]

WARE_ITEMS = [
    # (category, English, Chinese, capacity ml, base price)
    ("tea-cups", "tea cup", "品茗杯", 80, "38"),
    ("tea-cups", "master cup", "主人杯", 120, "58"),
    ("tea-cups", "fairness pitcher", "公道杯", 250, "68"),
    ("teapots", "teapot", "茶壶", 200, "168"),
    ("teapots", "side-handle teapot", "侧把壶", 300, "218"),
    ("gaiwan", "gaiwan", "盖碗", 150, "98"),
    ("gaiwan", "travel gaiwan", "旅行盖碗", 120, "88"),
    ("tea-sets", "tea set for two", "双人茶具套装", 0, "268"),
    ("tea-sets", "travel tea set", "旅行茶具套装", 0, "198"),
]
WARE_STYLES = [
    # (English, Chinese, material, handmade, colours en/zh, price factor)
    (
        "Longquan celadon",
        "龙泉青瓷",
        "celadon",
        True,
        [("Plum green", "梅子青"), ("Powder blue", "粉青")],
        "1.3",
    ),
    ("Ru kiln", "汝窑", "celadon", True, [("Sky blue", "天青"), ("Moon white", "月白")], "1.5"),
    ("Jian zhan", "建盏", "stoneware", True, [("Hare's fur", "兔毫"), ("Oil spot", "油滴")], "1.7"),
    ("blue and white", "青花", "porcelain", False, [("Blue", "青花蓝")], "1.0"),
    ("Jingdezhen white porcelain", "景德镇白瓷", "porcelain", False, [("White", "白")], "0.9"),
    (
        "Yixing clay",
        "宜兴紫砂",
        "zisha",
        True,
        [("Purple clay", "紫泥"), ("Red clay", "朱泥")],
        "2.0",
    ),
    ("double-wall glass", "双层玻璃", "glass", False, [("Clear", "透明")], "0.8"),
    (
        "rough pottery",
        "粗陶",
        "stoneware",
        True,
        [("Ash glaze", "草木灰"), ("Rust", "铁锈")],
        "1.1",
    ),
]

BEAUTY_LINES = [
    ("Rose", "玫瑰", ["dry", "sensitive"]),
    ("Lavender", "薰衣草", ["sensitive"]),
    ("Neroli", "橙花", ["combination"]),
    ("Camellia", "山茶花", ["dry"]),
    ("Green tea", "绿茶", ["oily", "combination"]),
    ("Oat", "燕麦", ["sensitive", "dry"]),
    ("Sea fennel", "海茴香", ["oily"]),
    ("White peony", "白牡丹", ["all"]),
    ("Vitamin C", "维生素C", ["all"]),
    ("Hyaluronic", "玻尿酸", ["all"]),
    ("Ceramide", "神经酰胺", ["dry", "sensitive"]),
    ("Bamboo", "竹", ["oily"]),
    ("Olive", "橄榄", ["dry"]),
    ("Iris", "鸢尾", ["combination"]),
    ("Jasmine", "茉莉", ["all"]),
]
BEAUTY_TYPES = [
    # (category, English, Chinese, volumes ml, base price)
    ("face-cream", "moisturising cream", "保湿面霜", [30, 50], "268"),
    ("serum", "repair serum", "修护精华", [30, 50], "368"),
    ("cleanser", "gentle cleanser", "温和洁面乳", [100, 150], "128"),
    ("face-mask", "sheet mask (5 pieces)", "贴片面膜（5片）", [25], "99"),
    ("fragrance", "eau de parfum", "淡香精", [30, 50], "560"),
]

SHOPS = {  # the demo shops (by the start of their name) and what they sell
    "Jade Tea House": "tea",
    "Li Wei Handmade": "ware",
    "Lumière": "beauty",
}

PALETTES = {
    "tea": [
        (46, 125, 50),
        (85, 139, 47),
        (158, 157, 36),
        (121, 85, 72),
        (0, 105, 92),
        (191, 54, 12),
    ],
    "ware": [
        (69, 90, 100),
        (0, 131, 143),
        (93, 64, 55),
        (55, 71, 79),
        (38, 50, 56),
        (120, 144, 156),
    ],
    "beauty": [
        (173, 20, 87),
        (123, 31, 162),
        (216, 67, 21),
        (194, 24, 91),
        (94, 53, 177),
        (255, 143, 0),
    ],
}


@dataclass
class Item:
    shop_kind: str
    category: str
    code: str
    title: str
    description: str
    attributes: dict
    keywords: str
    tags: list[str]
    dimension: str  # "" for a product without variants
    variants: list[tuple[str, Decimal, Decimal]]  # (option value, price, cost)
    state: str = Product.State.LIVE
    images: list[int] = field(default_factory=list)


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _price(base: Decimal) -> Decimal:
    """A shop price with a usual ending (…8 or …9)."""
    whole = int(base)
    return _money(whole - whole % 10 + (8 if whole % 10 < 5 else 9))


def tea_items(rng: random.Random) -> list[Item]:
    items = []
    for (category, en, zh, origin_en, origin_zh, base), (
        style_en,
        style_zh,
        grade,
        pack,
        factor,
    ) in itertools.product(TEAS, TEA_STYLES):
        n = len(items) + 1
        variants = [
            (f"{label}", _price(Decimal(base) * Decimal(factor) * Decimal(mult)), Decimal(0))
            for label, _grams, mult in TEA_WEIGHTS
        ]
        variants = [(v, p, _money(p * Decimal("0.45"))) for v, p, _c in variants]
        items.append(
            Item(
                shop_kind="tea",
                category=category,
                code=f"{CODE_PREFIX}TEA-{n:03d}",
                title=f"{zh} {style_zh} {en} {style_en}",
                description=(
                    f"<p>{en} from {origin_en}, {style_en}. Picked and processed by the families "
                    f"we have bought from for years; brew at 80–95 °C and steep several times.</p>"
                    f"<p>{origin_zh}{zh}，{style_zh}。茶农手工制作，香气清雅，回甘持久，"
                    f"可多次冲泡。</p>"
                ),
                attributes={
                    "origin": f"{origin_en} {origin_zh}",
                    "net_weight": 50,
                    "grade": grade,
                    "harvest_year": 2026 if "spring" in style_en else rng.choice([2024, 2025]),
                    "packaging": pack,
                    "organic": style_en == "organic",
                },
                keywords=f"{en}, {zh}, {origin_en} tea, {origin_zh}茶",
                tags=[style_en, "tea"],
                dimension="规格 Size",
                variants=variants,
            )
        )
    return items


def ware_items(rng: random.Random) -> list[Item]:
    items = []
    for (category, en, zh, capacity, base), (
        style_en,
        style_zh,
        material,
        handmade,
        colours,
        factor,
    ) in itertools.product(WARE_ITEMS, WARE_STYLES):
        if category == "teapots" and material == "glass" and rng.random() < 0.5:
            continue
        n = len(items) + 1
        price = _price(Decimal(base) * Decimal(factor))
        variants = [
            (f"{colour_zh} {colour_en}", price, _money(price * Decimal("0.4")))
            for colour_en, colour_zh in colours
        ]
        attributes = {
            "material": material,
            "handmade": handmade,
            "dishwasher_safe": material == "glass",
        }
        if capacity:
            attributes["capacity"] = capacity
        items.append(
            Item(
                shop_kind="ware",
                category=category,
                code=f"{CODE_PREFIX}WARE-{n:03d}",
                title=f"{style_zh}{zh} {style_en} {en}",
                description=(
                    f"<p>A {style_en} {en}{f' of {capacity} ml' if capacity else ''}, "
                    f"{'thrown and glazed by hand' if handmade else 'made in Jingdezhen'}; every "
                    f"piece is a little different.</p><p>{style_zh}{zh}，"
                    f"{'手工拉坯上釉' if handmade else '景德镇制作'}，釉色温润，适合日常泡茶。</p>"
                ),
                attributes=attributes,
                keywords=f"{en}, {zh}, {style_en}, {style_zh}",
                tags=["tea ware", "handmade" if handmade else "porcelain"],
                dimension="颜色 Colour" if len(variants) > 1 else "",
                variants=variants
                if len(variants) > 1
                else [("", price, _money(price * Decimal("0.4")))],
            )
        )
    return items


def beauty_items(rng: random.Random) -> list[Item]:
    items = []
    for (line_en, line_zh, skin), (category, en, zh, volumes, base) in itertools.product(
        BEAUTY_LINES, BEAUTY_TYPES
    ):
        if category == "fragrance" and line_en in ("Vitamin C", "Hyaluronic", "Ceramide", "Oat"):
            continue
        n = len(items) + 1
        variants = [
            (
                f"{ml}ml",
                _price(
                    Decimal(base) * Decimal(ml) / Decimal(volumes[0]) * Decimal("0.9")
                    if i
                    else Decimal(base)
                ),
                Decimal(0),
            )
            for i, ml in enumerate(volumes)
        ]
        variants = [(v, p, _money(p * Decimal("0.3"))) for v, p, _c in variants]
        items.append(
            Item(
                shop_kind="beauty",
                category=category,
                code=f"{CODE_PREFIX}LUM-{n:03d}",
                title=f"Lumière {line_en} {en} 璐米耶{line_zh}{zh}",
                description=(
                    f"<p>Lumière {line_en} {en}, made in Grasse with {line_en.lower()} extract. "
                    f"Light texture, absorbs quickly; dermatologically tested.</p>"
                    f"<p>璐米耶{line_zh}{zh}，法国格拉斯制造，质地轻盈，易吸收，经皮肤科测试。</p>"
                ),
                attributes={
                    "volume": volumes[0],
                    "skin_type": skin,
                    "made_in": "France 法国",
                },
                keywords=f"{line_en} {en}, {line_zh}{zh}, Lumière",
                tags=["skin care" if category != "fragrance" else "fragrance"],
                dimension="容量 Volume" if len(variants) > 1 else "",
                variants=variants if len(variants) > 1 else [("", variants[0][1], variants[0][2])],
                # The fragrance category needs review: some wait for the moderator.
                state=Product.State.PENDING_REVIEW
                if category == "fragrance" and n % 3 == 0
                else Product.State.LIVE,
            )
        )
    return items


# --- Pictures -----------------------------------------------------------------------------------
def draw_picture(kind: str, color: tuple[int, int, int], variant: int, size: int = 1200):
    """A product picture (a PIL image): a gradient and a simple object (tea leaves, a cup, a
    bottle)."""
    light = tuple(min(255, c + (255 - c) * 3 // 4) for c in color)
    image = Image.new("RGB", (size, size), light)
    draw = ImageDraw.Draw(image)
    for y in range(0, size, 8):
        t = y / size
        row = tuple(int(light[i] * (1 - t * 0.35) + color[i] * t * 0.35) for i in range(3))
        draw.rectangle([0, y, size, y + 8], fill=row)
    s = size
    dark = tuple(max(0, c - 40) for c in color)
    if kind == "tea":
        # Leaves (pointed at both ends) fanned out around a stem, over a tea bowl.
        draw.ellipse([s * 0.22, s * 0.74, s * 0.78, s * 0.84], fill=dark)
        leaves = 3 + variant % 3
        for index in range(leaves):
            angle = math.radians(-60 + 120 * index / max(leaves - 1, 1) - 90)
            length, width = s * 0.34, s * 0.09
            cx = s / 2 + math.cos(angle) * length * 0.55
            cy = s * 0.62 + math.sin(angle) * length * 0.55
            outline = []
            for step in range(21):
                t = step / 20
                outline.append((length * (t - 0.5), width * math.sin(math.pi * t)))
            for step in range(20, -1, -1):
                t = step / 20
                outline.append((length * (t - 0.5), -width * math.sin(math.pi * t)))
            points = [
                (
                    cx + x * math.cos(angle) - y * math.sin(angle),
                    cy + x * math.sin(angle) + y * math.cos(angle),
                )
                for x, y in outline
            ]
            draw.polygon(points, fill=color)
            tip = (cx + math.cos(angle) * length / 2, cy + math.sin(angle) * length / 2)
            base = (cx - math.cos(angle) * length / 2, cy - math.sin(angle) * length / 2)
            draw.line([base, tip], fill=dark, width=max(2, s // 250))
    elif kind == "ware":
        top = s * (0.3 + 0.03 * variant)
        draw.ellipse([s * 0.25, top - s * 0.05, s * 0.75, top + s * 0.05], fill=dark)
        draw.polygon(
            [(s * 0.25, top), (s * 0.75, top), (s * 0.65, s * 0.75), (s * 0.35, s * 0.75)],
            fill=color,
        )
        draw.ellipse([s * 0.35, s * 0.72, s * 0.65, s * 0.78], fill=dark)
        if variant % 2:
            draw.arc([s * 0.68, s * 0.38, s * 0.85, s * 0.6], 270, 90, fill=color, width=s // 40)
    else:
        width = s * (0.16 + 0.03 * (variant % 3))
        draw.rounded_rectangle(
            [s / 2 - width, s * 0.38, s / 2 + width, s * 0.8], radius=int(s * 0.05), fill=color
        )
        draw.rectangle([s / 2 - width * 0.45, s * 0.27, s / 2 + width * 0.45, s * 0.38], fill=dark)
        draw.rectangle([s / 2 - width * 0.7, s * 0.5, s / 2 + width * 0.7, s * 0.62], fill=light)
    return image


def pictures(kind: str) -> list[dict]:
    """The shared pictures of one kind (drawn and stored once; later runs reuse the files)."""
    result = []
    for index, color in enumerate(PALETTES[kind]):
        for variant in range(2):
            stem = f"{IMAGE_DIR}/{kind}-{index}-{variant}"
            names = {size: f"{stem}-{size}.webp" for size in ("thumbnail", "list", "detail")}
            if not all(default_storage.exists(name) for name in names.values()):
                picture = draw_picture(kind, color, variant, size=1200)
                for size, name in names.items():
                    copy = picture.copy()
                    copy.thumbnail(PRODUCT_IMAGE_SPEC.sizes[size], Image.Resampling.LANCZOS)
                    buffer = io.BytesIO()
                    copy.save(buffer, format="WEBP", quality=80, method=0)
                    if default_storage.exists(name):
                        default_storage.delete(name)
                    default_storage.save(name, ContentFile(buffer.getvalue()))
            result.append(names)
    return result


# --- Seeding ------------------------------------------------------------------------------------
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

    # Stock through the ledger: goods received, a few weeks of sales, some SKUs running low.
    received = []
    for sku in skus:
        received.append(
            (sku.pk, rng.choice([4, 6, 8]) if rng.random() < 0.03 else rng.randint(20, 200))
        )
    for start in range(0, len(received), 1000):
        inventory.receive_many(received[start : start + 1000], reason="Opening stock (demo)")
    stock = dict(received)
    sales = [
        (sku.pk, min(stock[sku.pk] - 1, rng.randint(1, 25)))
        for sku in skus
        if sku.product.state == Product.State.LIVE and stock[sku.pk] > 10 and rng.random() < 0.5
    ]
    for start in range(0, len(sales), 500):
        inventory.commit_sale(
            order_ref=f"DEMO-SALES-{start // 500 + 1}", lines=sales[start : start + 500]
        )

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
