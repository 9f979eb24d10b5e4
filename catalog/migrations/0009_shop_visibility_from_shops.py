"""The trigger that copies a shop's columns onto its products (migration 0007) asks the shops
chapter's `shops_shop_is_visible(state)` whether buyers see the shop, instead of repeating the
visible states in SQL: the rule has one owner, `Shop.VISIBLE_STATES`, mirrored in SQL once (shops
migration 0003). Only the trigger's function changes; the trigger itself stays.
"""

from django.db import migrations

FOLLOW_SHOP = """
CREATE OR REPLACE FUNCTION catalog_product_follow_shop() RETURNS trigger AS $$
BEGIN
    UPDATE catalog_product
       SET shop_name = NEW.name,
           shop_slug = NEW.slug,
           shop_visible = {visible},
           currency = NEW.currency
     WHERE shop_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0008_storefront_quiet_counters"),
        ("shops", "0003_shop_is_visible_function"),
    ]

    operations = [
        migrations.RunSQL(
            FOLLOW_SHOP.format(visible="shops_shop_is_visible(NEW.state)"),
            FOLLOW_SHOP.format(visible="NEW.state IN ('active', 'restricted')"),
        )
    ]
