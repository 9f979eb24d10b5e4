"""The database refuses UPDATE and DELETE on the stock ledger (stock == Σ movements, always).

The model and its queryset refuse them too; the trigger also stops raw SQL and other clients.
TRUNCATE (test-database flushes) is not a row operation and stays possible for the owner.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION catalog_stockmovement_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'catalog_stockmovement is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER catalog_stockmovement_append_only
    BEFORE UPDATE OR DELETE ON catalog_stockmovement
    FOR EACH ROW EXECUTE FUNCTION catalog_stockmovement_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS catalog_stockmovement_append_only ON catalog_stockmovement;
DROP FUNCTION IF EXISTS catalog_stockmovement_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
