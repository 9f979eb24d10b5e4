"""`shops_shop_is_visible(state)`: the SQL mirror of `Shop.VISIBLE_STATES` (`Shop.is_visible`).

Python owns the rule of which shop states buyers see. SQL that must know it (the catalog's
trigger that copies a shop's visibility onto its products) calls this one function instead of
spelling the states again. IMMUTABLE: the answer depends on the state alone, so PostgreSQL may
inline it.

A migration produces the same SQL for ever, so the states are written here as they were when
the function was created. To change `Shop.VISIBLE_STATES`, add a migration that re-creates the
function with `visibility_function(<the new states>)` (importlib can load this module's helper);
tests/shops/test_visibility_sql.py compares the function with `Shop.is_visible` for every state
and fails until that migration exists.
"""

from django.db import migrations

VISIBLE_STATES = ("active", "restricted")  # Shop.VISIBLE_STATES when this migration was written


def visibility_function(states) -> str:
    values = ", ".join("'" + str(state).replace("'", "''") + "'" for state in states)
    return f"""
CREATE OR REPLACE FUNCTION shops_shop_is_visible(shop_state text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT shop_state IN ({values}) $$;
"""


class Migration(migrations.Migration):
    dependencies = [("shops", "0002_seed_shop_type_terms")]

    operations = [
        migrations.RunSQL(
            visibility_function(VISIBLE_STATES),
            "DROP FUNCTION IF EXISTS shops_shop_is_visible(text);",
        )
    ]
