"""Seed the prohibited-word list with absolute advertising terms and reserved names.

Platform staff extend and switch words off in admin; this list is only the starting point.
"""

import unicodedata

from django.db import migrations

ABSOLUTE_CLAIMS = [
    # English
    "best", "No. 1", "number one", "#1", "top 1", "best-selling",
    "first-class", "world-class", "unbeatable", "lowest price", "cheapest",
    "100%", "guaranteed cure", "greatest", "top-rated in the world",
    # Chinese (广告法 absolute terms)
    "最", "最佳", "最好", "最低价", "最高级", "第一", "唯一", "首个", "首选", "国家级", "世界级",
    "顶级", "顶尖", "极品", "极致", "至尊", "王牌", "独家", "万能", "全网第一", "销量冠军",
    "绝对", "史无前例", "永久", "100%",
]
RESERVED_NAMES = [
    "official", "官方", "flagship", "旗舰", "authorised", "authorized", "授权", "专卖",
    "admin", "administrator", "platform", "marketplace", "customer service", "平台", "管理员",
    "客服", "自营",
]
PROHIBITED = [
    "counterfeit", "replica", "fake", "高仿", "仿冒", "假货", "原单", "A货",
]


def normalize(text):
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(unicodedata.normalize("NFKC", folded).split())


def seed(apps, schema_editor):
    ProhibitedWord = apps.get_model("compliance", "ProhibitedWord")
    seen = set()
    for kind, words in (
        ("absolute_claim", ABSOLUTE_CLAIMS),
        ("reserved_name", RESERVED_NAMES),
        ("prohibited", PROHIBITED),
    ):
        for word in words:
            key = normalize(word)
            if key in seen:
                continue
            seen.add(key)
            ProhibitedWord.objects.get_or_create(
                normalized=key, defaults={"word": word, "kind": kind, "note": "seeded"}
            )


def unseed(apps, schema_editor):
    apps.get_model("compliance", "ProhibitedWord").objects.filter(note="seeded").delete()


class Migration(migrations.Migration):
    dependencies = [("compliance", "0002_auditlog_append_only_trigger")]

    operations = [migrations.RunPython(seed, unseed)]
