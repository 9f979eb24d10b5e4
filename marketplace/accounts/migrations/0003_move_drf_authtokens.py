"""Existing DRF tokens (`rest_framework.authtoken`, no longer installed) become API tokens.

Their keys keep working, stored from now on as digests, named "API" and expiring
`API_TOKEN_TTL_DAYS` from this migration. Then the old table, with its plaintext keys and its
foreign key to the users (which would block truncating them), is dropped, and the uninstalled
app's migration records are forgotten, as `migrate authtoken zero` would have done. A fresh
database never had the table. See decision 0009.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

OLD_TABLE = "authtoken_token"


def move_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    expires_at = timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {OLD_TABLE}")  # noqa: S608
        rows = cursor.fetchall()
        ApiToken.objects.bulk_create(
            [
                ApiToken(
                    user_id=user_id,
                    name="API",
                    prefix=key[:8],
                    digest=hashlib.sha256(key.encode()).hexdigest(),
                    created_at=created,
                    expires_at=expires_at,
                )
                for key, user_id, created in rows
            ],
            ignore_conflicts=True,
        )
        cursor.execute(f"DROP TABLE {OLD_TABLE}")
        cursor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_api_tokens_and_lockout_notice")]

    operations = [migrations.RunPython(move_drf_tokens, migrations.RunPython.noop)]
