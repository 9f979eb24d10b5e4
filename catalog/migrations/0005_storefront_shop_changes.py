"""The storefront cache version also advances when a shop changes what the storefront shows of
it: its state (suspended and closed shops disappear), name, address, logo, brand or rating.
Row-level and only for those columns, so a new follower or a settings edit does not empty the
storefront cache. (Products carry copies of the shop's name, slug and visibility, kept by
`catalog.services.listing.sync_shop_listings`; this covers the time until then and the shop
card on product pages.)
"""

from django.db import migrations

COLUMNS = ["state", "name", "slug", "logo", "logo_small", "brand_name", "rating", "shop_type"]
CHANGED = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in COLUMNS)

SQL = f"""
CREATE TRIGGER shops_shop_storefront_now
AFTER UPDATE OF {", ".join(COLUMNS)} ON shops_shop
FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION catalog_storefront_bump();
CREATE CONSTRAINT TRIGGER shops_shop_storefront_commit
AFTER UPDATE OF {", ".join(COLUMNS)} ON shops_shop
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION catalog_storefront_bump();
"""
REVERSE_SQL = """
DROP TRIGGER IF EXISTS shops_shop_storefront_now ON shops_shop;
DROP TRIGGER IF EXISTS shops_shop_storefront_commit ON shops_shop;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_storefront"),
        ("shops", "0001_initial"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
