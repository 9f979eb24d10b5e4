"""What the demo shops sell: about 300 bilingual items (tea, tea ware, skin care and fragrance),
each with its variants, prices, costs and specifications, made from small tables of names.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from catalog.models import Product

CODE_PREFIX = "DEMO-"

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
