"""The money side's Celery tasks moved from `orders.finance_tasks` to `orders.finance.tasks`:
the beat rows (which store task names) follow them."""

from django.db import migrations

from marketplace.core.migration_operations import rename_beat_tasks

RENAMES = {
    f"orders.finance_tasks.{name}": f"orders.finance.tasks.{name}"
    for name in (
        "generate_statements",
        "send_waiting_transfers",
        "send_transfer",
        "send_reversal",
        "repost_missing_ledger_rows",
    )
}


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_ledger"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [rename_beat_tasks(RENAMES)]
