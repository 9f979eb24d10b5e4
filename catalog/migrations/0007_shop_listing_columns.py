"""Products carry copies of their shop's name, slug, visibility and currency (listing columns read
without a join). This trigger keeps them right whenever a shop row changes those columns — a
rename, a suspension, a reopening — however the change is made, so the shops chapter (a lower
layer that cannot call the catalog) has nothing to remember. Visible states are the shop's
`VISIBLE_STATES` (active, restricted). The search vectors' copy of the shop name follows with the
next refresh of each listing.
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION catalog_product_follow_shop() RETURNS trigger AS $$
BEGIN
    UPDATE catalog_product
       SET shop_name = NEW.name,
           shop_slug = NEW.slug,
           shop_visible = NEW.state IN ('active', 'restricted'),
           currency = NEW.currency
     WHERE shop_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER shops_shop_listing_columns
AFTER UPDATE OF name, slug, state, currency ON shops_shop
FOR EACH ROW WHEN (
    OLD.name IS DISTINCT FROM NEW.name OR OLD.slug IS DISTINCT FROM NEW.slug
    OR OLD.state IS DISTINCT FROM NEW.state OR OLD.currency IS DISTINCT FROM NEW.currency
) EXECUTE FUNCTION catalog_product_follow_shop();
"""
REVERSE_SQL = """
DROP TRIGGER IF EXISTS shops_shop_listing_columns ON shops_shop;
DROP FUNCTION IF EXISTS catalog_product_follow_shop();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_product_moderation_permission"),
        ("shops", "0001_initial"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
