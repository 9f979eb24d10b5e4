"""Fast, bulk seeding of the bench catalogue: 1,000 shops, a 260-category tree and 100,000 live
products with 3 SKUs and an image each, written by a handful of `INSERT … SELECT
generate_series` statements (no ORM loop, no per-row round trip).

Titles, keywords and search vectors come from 2,000 bilingual title templates (adjective × material
× a noun of the product's top category, in English and Chinese), each tokenized once by
`catalog.storefront.search` exactly as the services index real products (Chinese as character
bigrams); product n uses template n mod 2,000, so "teapot" or "茶壶" match about 1.6 % of the
catalogue, like a common word would. The listing columns (prices, stock, sales, rating, cover
image, shop name and slug, category path) are filled as `refresh_listings` would fill them,
consistent with the SKUs.

This database is thrown away after the run: triggers and foreign-key checks are off while
seeding (session_replication_role = replica), and SKUs get their stock without ledger rows.
"""

from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from catalog.models import AttributeDefinition, AttributeType, Category, Product, ProductImage, Sku
from catalog.storefront import search
from shops.models import Shop

SHOPS = 1_000
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "100000"))  # smaller only to try the bench out
SKUS_PER_PRODUCT = 3
TEMPLATES = 2_000
COLOURS = [("Red", "红色"), ("Black", "黑色"), ("White", "白色")]

# Top category | 中文 | nouns as English:中文, …
CATALOGUE = """
Home & Kitchen|家居厨房|teapot:茶壶,mug:马克杯,bowl:碗,vase:花瓶,plate:盘子,tray:托盘
Tea & Food|茶叶食品|green tea:绿茶,black tea:红茶,oolong:乌龙茶,honey:蜂蜜,dates:红枣,walnuts:核桃
Clothing|服装|shirt:衬衫,dress:连衣裙,jacket:夹克,sweater:毛衣,scarf:围巾,coat:大衣
Shoes & Bags|鞋包|sneakers:运动鞋,boots:靴子,backpack:背包,handbag:手提包,wallet:钱包,sandals:凉鞋
Electronics|数码电子|earphones:耳机,charger:充电器,speaker:音箱,keyboard:键盘,mouse:鼠标,lamp:台灯
Beauty|美妆个护|lipstick:口红,face cream:面霜,shampoo:洗发水,perfume:香水,comb:梳子,mirror:镜子
Sports|运动户外|yoga mat:瑜伽垫,tent:帐篷,water bottle:水壶,racket:球拍,gloves:手套,helmet:头盔
Toys|玩具|puzzle:拼图,building blocks:积木,kite:风筝,doll:娃娃,yo-yo:悠悠球,model car:模型车
Stationery|文具|notebook:笔记本,pen:钢笔,ink:墨水,brush:毛笔,bookmark:书签,desk tidy:收纳盒
Garden|园艺|flower pot:花盆,seeds:种子,watering can:洒水壶,shears:剪刀,planter:花架,fertiliser:肥料
"""


def _pairs(text: str) -> list[tuple[str, ...]]:
    return [tuple(item.split(":")) for item in text.split(",")]


ROOTS = [
    (name, name_zh, [f"{en}|{zh}" for en, zh in _pairs(nouns)])
    for name, name_zh, nouns in (line.split("|") for line in CATALOGUE.strip().splitlines())
]
MIDS = _pairs("Classic:经典,Modern:现代,Premium:精品,Everyday:日常,Gifts:礼品")
LEAVES = _pairs("Series A:甲系列,Series B:乙系列,Series C:丙系列,Series D:丁系列")
ADJECTIVES = _pairs(
    "Handmade:手工,Vintage:复古,Minimalist:简约,Portable:便携,Deluxe:豪华,Classic:经典,"
    "Eco:环保,Mini:迷你,Large:大号,Limited:限量"
)
MATERIALS = [
    (en.lower(), en, zh)
    for en, zh in _pairs(
        "Ceramic:陶瓷,Glass:玻璃,Bamboo:竹制,Cotton:纯棉,Steel:不锈钢,Wood:实木,Silk:真丝,"
        "Leather:真皮"
    )
]


@dataclass
class Seeded:
    root_slugs: list[str]
    search_en: str
    search_zh: str
    seconds: float


def _literal(field, value):
    return field.get_db_prep_save(value, connection)


def insert_select(cursor, model, *, source: str, exprs: dict[str, str], params=()) -> None:
    """INSERT INTO model's table SELECT … FROM `source`: columns named in `exprs` (by column)
    get that SQL; every other column its model default (now() for auto dates). Parameters are
    always passed, so a literal % in `exprs` or `source` is written %%."""
    columns, values, all_params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in exprs:
            continue
        columns.append(field.column)
        if field.column in exprs:
            values.append(exprs[field.column])
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append("now()")
            continue
        default = field.get_default()
        if default is None and field.null:
            values.append("NULL")
            continue
        values.append(f"CAST(%s AS {field.db_type(connection)})")
        all_params.append(_literal(field, default))
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 - our own SQL
        f"SELECT {', '.join(values)} FROM {source}"
    )
    cursor.execute(sql, [*all_params, *params])


def _categories() -> tuple[list[Category], list[Category]]:
    now = timezone.now()
    roots, leaves = [], []
    position = 0

    def create(name, name_zh, slug, parent):
        nonlocal position
        position += 1
        return Category.objects.create(
            name=name, name_zh=name_zh, slug=slug, parent=parent, position=position
        )

    for r, (name, name_zh, _nouns) in enumerate(ROOTS):
        root = create(name, name_zh, f"bench-{r}", None)
        root.path, root.depth, root.is_leaf = f"/{root.pk}/", 0, False
        roots.append(root)
        for m, (mid_name, mid_zh) in enumerate(MIDS):
            mid = create(f"{mid_name} {name}", f"{mid_zh}{name_zh}", f"bench-{r}-{m}", root)
            mid.path, mid.depth, mid.is_leaf = f"{root.path}{mid.pk}/", 1, False
            for leaf_index, (leaf_name, leaf_zh) in enumerate(LEAVES):
                leaf = create(
                    f"{mid_name} {name} {leaf_name}",
                    f"{mid_zh}{name_zh}{leaf_zh}",
                    f"bench-{r}-{m}-{leaf_index}",
                    mid,
                )
                leaf.path, leaf.depth, leaf.is_leaf = f"{mid.path}{leaf.pk}/", 2, True
                leaves.append(leaf)
            Category.objects.filter(pk=mid.pk).update(
                path=mid.path, depth=1, is_leaf=False, updated_at=now
            )
        Category.objects.filter(pk=root.pk).update(path=root.path, depth=0, is_leaf=False)
        AttributeDefinition.objects.create(
            category=root,
            code="material",
            name="Material",
            name_zh="材质",
            type=AttributeType.CHOICE,
            choices=[[code, en, zh] for code, en, zh in MATERIALS],
            filterable=True,
        )
    Category.objects.bulk_update(leaves, ["path", "depth", "is_leaf"], batch_size=500)
    return roots, leaves


def _templates(roots, leaves) -> list[tuple]:
    """(title, slug, keywords, material code, tsvector literal) per template index."""
    by_id = {c.pk: c for c in Category.objects.all()}
    rows = []
    for t in range(TEMPLATES):
        leaf = leaves[t % len(leaves)]
        root_index = (t % len(leaves)) // (len(MIDS) * len(LEAVES))
        nouns = ROOTS[root_index][2]
        noun_en, noun_zh = nouns[(t // len(leaves)) % len(nouns)].split("|")
        adjective_en, adjective_zh = ADJECTIVES[(t // 7) % len(ADJECTIVES)]
        material, material_en, material_zh = MATERIALS[(t // 3) % len(MATERIALS)]
        title = (
            f"{adjective_en} {material_en} {noun_en} {adjective_zh}{material_zh}{noun_zh} M{t:04d}"
        )
        keywords = [noun_en, noun_zh, material_en, f"{adjective_en} {noun_en}"]
        trail = [by_id[int(pk)] for pk in leaf.path.strip("/").split("/")]
        vector = search.search_vector_value(
            [
                ("A", [title]),
                ("B", keywords),
                ("C", [name for node in trail for name in (node.name, node.name_zh)]),
                ("D", [material_en, material_zh, *[c for pair in COLOURS for c in pair]]),
            ]
        )
        slug = f"{adjective_en}-{material_en}-{noun_en}".lower().replace(" ", "-")
        rows.append((t, title, slug, ", ".join(keywords), material, vector, leaf.pk, leaf.path))
    return rows


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write(
            "\t".join(
                str(v).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ") for v in row
            )
            + "\n"
        )
    buffer.seek(0)
    cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def seed() -> Seeded:
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except Exception:  # noqa: BLE001, S110 - not a superuser: triggers stay on, a bit slower
            pass
        roots, leaves = _categories()

        # Shops
        insert_select(
            cursor,
            Shop,
            source="generate_series(1, %s) AS n",
            exprs={
                "name": "'Bench Shop ' || n",
                "name_normalized": "'bench shop ' || n",
                "slug": "'bench-shop-' || n",
                "shop_type": "'enterprise'",
                "state": "'active'",
                "description": "'A shop of the bench catalogue.'",
                "currency": "'CNY'",
                "rating": "(40 + n %% 10) / 10.0",
                "follower_count": "n * 7 %% 5000",
            },
            params=[SHOPS],
        )
        cursor.execute("SELECT min(id) FROM shops_shop WHERE slug LIKE 'bench-shop-%%'")
        first_shop = cursor.fetchone()[0]

        # Title templates, in a temporary table the product INSERT joins
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_template (t int PRIMARY KEY, title text, slug text, "
            "keywords text, material text, vector tsvector, category_id bigint, path text) "
            "ON COMMIT DROP"
        )
        _copy(
            cursor,
            "bench_template",
            ["t", "title", "slug", "keywords", "material", "vector", "category_id", "path"],
            _templates(roots, leaves),
        )

        # Products: every listing column filled as refresh_listings would
        price = "(990 + (n * 7919) %% 99000) / 100.0"
        insert_select(
            cursor,
            Product,
            source=(
                f"generate_series(1, %s) AS n JOIN bench_template AS bt ON bt.t = n %% {TEMPLATES}"
            ),
            exprs={
                "shop_id": f"{first_shop} + n %% {SHOPS}",
                "category_id": "bt.category_id",
                "code": "'B' || n",
                "title": "bt.title",
                "slug": "bt.slug || '-' || n",
                "description": "'<p>' || bt.title || ': a product of the bench catalogue.</p>'",
                "attributes": "jsonb_build_object('material', bt.material)",
                "variant_dimensions": """'["Colour"]'::jsonb""",
                "search_keywords": "bt.keywords",
                "state": "'live'",
                "state_changed_at": "now()",
                "published_at": "now() - n * interval '1 minute'",
                "currency": "'CNY'",
                "min_price": price,
                "max_price": f"{price} + 10",
                "total_stock": f"(n %% 17) * {SKUS_PER_PRODUCT}",
                "sales_count": "(n * 31) %% 5000",
                "rating": "(35 + n %% 15) / 10.0",
                "review_count": "n %% 200",
                "image_count": "1",
                "main_image_thumb": "'bench/product-' || (n %% 8) || '-thumbnail.jpg'",
                "main_image_list": "'bench/product-' || (n %% 8) || '-list.jpg'",
                "shop_name": f"'Bench Shop ' || (1 + n %% {SHOPS})",
                "shop_slug": f"'bench-shop-' || (1 + n %% {SHOPS})",
                "shop_visible": "true",
                "category_path": "bt.path",
                "quality_score": "80",
                "search_vector": "bt.vector",
            },
            params=[PRODUCTS],
        )

        # SKUs: one per colour; prices min, min + 5, min + 10; stock total / 3 each
        colours = "ARRAY[" + ", ".join(f"'{en}'" for en, _zh in COLOURS) + "]"
        insert_select(
            cursor,
            Sku,
            source=(
                f"catalog_product AS p CROSS JOIN generate_series(1, {SKUS_PER_PRODUCT}) AS v "
                "WHERE p.code LIKE 'B%%'"
            ),
            exprs={
                "shop_id": "p.shop_id",
                "product_id": "p.id",
                "code": "p.code || '-' || v",
                "options": f"jsonb_build_object('Colour', ({colours})[v])",
                "option_key": f"({colours})[v]",
                "position": "v - 1",
                "price": "p.min_price + (v - 1) * 5",
                "stock": f"p.total_stock / {SKUS_PER_PRODUCT}",
                "warning_line": "2",
            },
        )
        insert_select(
            cursor,
            ProductImage,
            source="catalog_product AS p WHERE p.code LIKE 'B%%'",
            exprs={
                "shop_id": "p.shop_id",
                "product_id": "p.id",
                "kind": "'main'",
                "position": "0",
                "thumbnail": "p.main_image_thumb",
                "list_size": "p.main_image_list",
                "detail_size": "replace(p.main_image_list, '-list', '-detail')",
                "width": "1200",
                "height": "1200",
                "status": "'ready'",
            },
        )
        cursor.execute("SELECT nextval('catalog_storefront_version')")
    with connection.cursor() as cursor:
        for table in ("catalog_product", "catalog_sku", "catalog_productimage", "shops_shop"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return Seeded(
        root_slugs=[root.slug for root in roots],
        search_en="teapot",
        search_zh="茶壶",
        seconds=time.perf_counter() - started,
    )
