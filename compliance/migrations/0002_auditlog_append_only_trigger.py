"""The database itself refuses UPDATE and DELETE on the audit log (append-only, SPEC §4.9).

The model and queryset refuse them too; this trigger also stops raw SQL, other clients and
cascades. TRUNCATE (used only by test-database flushes) is not a row operation and stays possible
for the database owner.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION compliance_auditlog_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'compliance_auditlog is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER compliance_auditlog_append_only
    BEFORE UPDATE OR DELETE ON compliance_auditlog
    FOR EACH ROW EXECUTE FUNCTION compliance_auditlog_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS compliance_auditlog_append_only ON compliance_auditlog;
DROP FUNCTION IF EXISTS compliance_auditlog_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
