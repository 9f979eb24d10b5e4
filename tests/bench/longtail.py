"""The long tail of real storefront traffic, drawn from the seeded catalogue (issue 12).

A marketplace with 100,000 products sees thousands of distinct product pages, search terms,
categories, pages and sorts a minute, most of them never seen before by the cache. `LongTail`
draws such URLs, reproducibly (a seeded `random.Random` per client):

- 45 % product pages, uniform over every live product;
- 25 % searches over every one- and two-word term of the seeded vocabulary in English and in
  Chinese (several hundred distinct terms), now and then sorted or on page 2;
- 20 % category pages: any of the tree's categories, a random sort, a page between 1 and
  `CATEGORY_PAGES` (or the category's last page);
- 10 % the home page.

Chinese searches ask for the Chinese storefront (Accept-Language), and so does a share of the
other pages, as a mixed audience would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from urllib.parse import quote

from tests.bench import seed

MIX = (("product", 0.45), ("search", 0.25), ("category", 0.20), ("home", 0.10))
CATEGORY_PAGES = 30
PAGE_SIZE = 24
SORTS = ("", "newest", "price", "-price", "sales")
SEARCH_SORTS = ("", "", "", "price", "sales")
CHINESE_SHARE = 0.3


@dataclass(frozen=True)
class Pick:
    kind: str
    path: str
    language: str


def search_terms() -> list[tuple[str, str]]:
    """(term, language) for every one- and two-word term of the seeded titles."""
    nouns = [tuple(noun.split("|")) for _root, _zh, group in seed.ROOTS for noun in group]
    adjectives = seed.ADJECTIVES
    materials = [(en, zh) for _code, en, zh in seed.MATERIALS]
    terms: dict[tuple[str, str], None] = {}
    for en, zh in [*nouns, *adjectives, *materials]:
        terms[(en.lower(), "en")] = None
        terms[(zh, "zh-hans")] = None
    for first_en, first_zh in [*adjectives, *materials]:
        for noun_en, noun_zh in nouns:
            terms[(f"{first_en.lower()} {noun_en}", "en")] = None
            terms[(f"{first_zh} {noun_zh}", "zh-hans")] = None
    return list(terms)


class LongTail:
    def __init__(self, products: list[tuple[int, str]], categories: list[tuple[str, int]]):
        """`products`: (id, slug) of every live product; `categories`: (slug, live products)."""
        self.products = products
        self.categories = categories
        self.terms = search_terms()
        self.kinds = [kind for kind, _share in MIX]
        self.weights = [share for _kind, share in MIX]

    @classmethod
    def from_database(cls) -> LongTail:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, slug FROM catalog_product WHERE state = 'live' AND shop_visible "
                "ORDER BY id"
            )
            products = cursor.fetchall()
            # Live products per category, counted on the leaves and summed up their paths.
            cursor.execute(
                """
                SELECT c.slug, count(p.id)
                  FROM catalog_category c
                  LEFT JOIN catalog_product p
                    ON p.category_path LIKE c.path || '%%' AND p.state = 'live' AND p.shop_visible
                 GROUP BY c.slug
                """
            )
            categories = [(slug, count) for slug, count in cursor.fetchall() if count]
        return cls(products, categories)

    def rng(self, client: int, seed_value: int = 12) -> random.Random:
        return random.Random(seed_value * 1000 + client)

    def pick(self, rng: random.Random, kind: str | None = None) -> Pick:
        kind = kind or rng.choices(self.kinds, self.weights)[0]
        language = "zh-hans" if rng.random() < CHINESE_SHARE else "en"
        if kind == "product":
            pk, slug = rng.choice(self.products)
            return Pick(kind, f"/products/{pk}/{slug}/", language)
        if kind == "search":
            term, language = rng.choice(self.terms)
            path = f"/search/?q={quote(term)}"
            sort = rng.choice(SEARCH_SORTS)
            if sort:
                path += f"&sort={sort}"
            if " " not in term and rng.random() < 0.15:
                path += "&page=2"  # one-word terms match hundreds of products
            return Pick(kind, path, language)
        if kind == "category":
            slug, count = rng.choice(self.categories)
            last = max(1, min(CATEGORY_PAGES, -(-count // PAGE_SIZE)))
            page = rng.randint(1, last)
            query = []
            sort = rng.choice(SORTS)
            if sort:
                query.append(f"sort={sort}")
            if page > 1:
                query.append(f"page={page}")
            return Pick(
                kind, f"/categories/{slug}/" + (f"?{'&'.join(query)}" if query else ""), language
            )
        return Pick("home", "/", language)
