"""Sales and stock movements no longer empty the storefront cache on every sale.

Migration 0004 advanced the storefront version on any change of a product or SKU row; with
orders flowing, every sale (stock, reserved, units sold) would invalidate every cached page.
Now an UPDATE advances it only when something else changed, or when stock crosses a line buyers
see: sold out ↔ in stock, and the "only N left" range (LOW_STOCK = 5 in
catalog.storefront.product_page). "N sold" on cards and the sales order may lag by up to the
fragment timeout (10 minutes). Inserts, deletes and truncations still always count.

The comparison is generic (the row as JSON minus the counters), so a column added later counts
as a change without touching this trigger.
"""

from django.db import migrations

LOW_STOCK = 5
QUIET = {
    "catalog_product": ["total_stock", "sales_count", "updated_at"],
    "catalog_sku": ["stock", "reserved", "sold_count", "low_stock_alerted", "updated_at"],
}
STOCK = {"catalog_product": "total_stock", "catalog_sku": "stock"}


def changed(table: str) -> str:
    minus = " ".join(f"- '{column}'" for column in QUIET[table])
    stock = STOCK[table]
    return (
        f"(to_jsonb(OLD) {minus}) IS DISTINCT FROM (to_jsonb(NEW) {minus}) "
        f"OR (OLD.{stock} > 0) <> (NEW.{stock} > 0) "
        f"OR (OLD.{stock} <> NEW.{stock} AND LEAST(OLD.{stock}, NEW.{stock}) <= {LOW_STOCK})"
    )


def forward(table: str) -> str:
    return f"""
    DROP TRIGGER IF EXISTS {table}_storefront_now ON {table};
    DROP TRIGGER IF EXISTS {table}_storefront_commit ON {table};
    CREATE TRIGGER {table}_storefront_now
    AFTER INSERT OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_storefront_bump();
    CREATE TRIGGER {table}_storefront_changed
    AFTER UPDATE ON {table}
    FOR EACH ROW WHEN ({changed(table)}) EXECUTE FUNCTION catalog_storefront_bump();
    CREATE CONSTRAINT TRIGGER {table}_storefront_commit
    AFTER INSERT OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION catalog_storefront_bump();
    CREATE CONSTRAINT TRIGGER {table}_storefront_commit_changed
    AFTER UPDATE ON {table}
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN ({changed(table)}) EXECUTE FUNCTION catalog_storefront_bump();
    """


def backward(table: str) -> str:
    return f"""
    DROP TRIGGER IF EXISTS {table}_storefront_now ON {table};
    DROP TRIGGER IF EXISTS {table}_storefront_changed ON {table};
    DROP TRIGGER IF EXISTS {table}_storefront_commit ON {table};
    DROP TRIGGER IF EXISTS {table}_storefront_commit_changed ON {table};
    CREATE TRIGGER {table}_storefront_now
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_storefront_bump();
    CREATE CONSTRAINT TRIGGER {table}_storefront_commit
    AFTER INSERT OR UPDATE OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION catalog_storefront_bump();
    """


class Migration(migrations.Migration):
    dependencies = [("catalog", "0007_shop_listing_columns")]

    operations = [
        migrations.RunSQL(forward(table), backward(table))
        for table in ("catalog_product", "catalog_sku")
    ]
