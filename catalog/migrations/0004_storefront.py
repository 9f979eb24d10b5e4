"""The storefront's searches without results, its cache version, its extra indexes and optional
typo tolerance.

- `ZeroResultSearch`: one row per (query, category, day) with a counter.
- The storefront cache version: a sequence that triggers advance whenever a product, SKU, image,
  category or attribute definition changes, in any way (services, admin, raw SQL, bulk updates).
  Cached storefront fragments are keyed by it (`catalog.storefront.cache.storefront_version`),
  so a change is visible on the next request. Two triggers per table: one per statement, at
  once (so a page rendered later in the same transaction, e.g. in tests, sees it), and one per
  row deferred to commit, so a page rendered while the change was still uncommitted is not
  cached under the final version.
- Indexes for the storefront's sort orders within a category, "more from this shop" and the
  sitemap, all partial on live listings of visible shops (like the catalog's own).
- pg_trgm: installed when the server has it (trusted extension since PostgreSQL 13), then a
  trigram index on title and keywords for typo-tolerant search. The embedded PostgreSQL has no
  pg_trgm: nothing is created and search falls back to exact tokens (detected at run time).
"""

import django.db.models.deletion
from django.db import migrations, models

TABLES = [
    "catalog_product",
    "catalog_sku",
    "catalog_productimage",
    "catalog_category",
    "catalog_attributedefinition",
]
LIVE = "WHERE state = 'live' AND shop_visible"

VERSION_SQL = [
    "CREATE SEQUENCE IF NOT EXISTS catalog_storefront_version",
    """
    CREATE OR REPLACE FUNCTION catalog_storefront_bump() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM nextval('catalog_storefront_version');
        RETURN NULL;
    END
    $$
    """,
    *[
        f"""
        CREATE TRIGGER {table}_storefront_now
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION catalog_storefront_bump();
        CREATE CONSTRAINT TRIGGER {table}_storefront_commit
        AFTER INSERT OR UPDATE OR DELETE ON {table}
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION catalog_storefront_bump();
        """
        for table in TABLES
    ],
]
VERSION_REVERSE_SQL = [
    *[
        f"""
        DROP TRIGGER IF EXISTS {table}_storefront_now ON {table};
        DROP TRIGGER IF EXISTS {table}_storefront_commit ON {table};
        """
        for table in TABLES
    ],
    "DROP FUNCTION IF EXISTS catalog_storefront_bump()",
    "DROP SEQUENCE IF EXISTS catalog_storefront_version",
]

INDEXES = {
    "catalog_product_live_cat_sales": (
        "catalog_product (category_path text_pattern_ops, sales_count DESC, id DESC)"
    ),
    "catalog_product_live_cat_price": (
        "catalog_product (category_path text_pattern_ops, min_price, id)"
    ),
    "catalog_product_live_shop": "catalog_product (shop_id, sales_count DESC, id DESC)",
    "catalog_product_live_id": "catalog_product (id)",
}
INDEX_SQL = [
    f"CREATE INDEX IF NOT EXISTS {name} ON {spec} {LIVE}" for name, spec in INDEXES.items()
]
INDEX_REVERSE_SQL = [f"DROP INDEX IF EXISTS {name}" for name in INDEXES]

TRIGRAM_SQL = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'pg_trgm cannot be installed here: search stays without typo tolerance';
        END;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS catalog_product_title_trgm ON catalog_product
            USING gin ((title || ' ' || search_keywords) gin_trgm_ops)
            WHERE state = 'live' AND shop_visible;
    END IF;
END
$$;
"""
TRIGRAM_REVERSE_SQL = "DROP INDEX IF EXISTS catalog_product_title_trgm"


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_beat_schedules"),
    ]

    operations = [
        migrations.CreateModel(
            name="ZeroResultSearch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("query", models.CharField(max_length=100, verbose_name="search")),
                ("day", models.DateField(verbose_name="day")),
                ("count", models.PositiveIntegerField(default=1, verbose_name="times searched")),
                ("last_searched_at", models.DateTimeField(verbose_name="last searched at")),
                (
                    "category",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="catalog.category",
                        verbose_name="searched in category",
                    ),
                ),
            ],
            options={
                "verbose_name": "search without results",
                "verbose_name_plural": "searches without results",
                "ordering": ["-day", "-count"],
                "indexes": [models.Index(fields=["day", "query"], name="catalog_zero_result_day")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("query", "category", "day"),
                        name="catalog_zero_result_search_once_a_day",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.RunSQL(VERSION_SQL, VERSION_REVERSE_SQL),
        migrations.RunSQL(INDEX_SQL, INDEX_REVERSE_SQL),
        migrations.RunSQL(TRIGRAM_SQL, TRIGRAM_REVERSE_SQL),
    ]
