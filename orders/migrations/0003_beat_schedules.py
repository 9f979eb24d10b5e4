"""The orders chapter's scheduled jobs, as django-celery-beat rows (staff can change them in admin).

- "orders: cancel unpaid orders", every minute: `orders.tasks.cancel_unpaid_orders` cancels the
  orders still unpaid 30 minutes (ORDERS_PAYMENT_MINUTES) after placement and releases their stock.
- "orders: complete orders after the return window", every 30 minutes:
  `orders.tasks.complete_due_orders` completes delivered orders whose return window has ended.
- "orders: confirm receipt of long-shipped orders", hourly: `orders.tasks.confirm_overdue_receipts`
  marks delivered the orders shipped ORDERS_AUTO_CONFIRM_DAYS ago that nobody confirmed.

Every task is idempotent (each order moves through `transition()` under a row lock), so a missed
or doubled run changes nothing twice. Created only when missing (by name), so staff edits survive.
"""

from django.db import migrations

from marketplace.core.migration_operations import beat_schedules

SCHEDULES = [
    {
        "name": "orders: cancel unpaid orders",
        "task": "orders.tasks.cancel_unpaid_orders",
        "every_seconds": 60,
        "description": "Cancels orders unpaid after the payment window and releases their stock.",
    },
    {
        "name": "orders: complete orders after the return window",
        "task": "orders.tasks.complete_due_orders",
        "every_seconds": 30 * 60,
        "description": "Completes delivered orders whose return window has ended.",
    },
    {
        "name": "orders: confirm receipt of long-shipped orders",
        "task": "orders.tasks.confirm_overdue_receipts",
        "every_seconds": 60 * 60,
        "description": "Marks delivered the shipped orders the buyer did not confirm in time.",
    },
]


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0002_order_number_sequence"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [beat_schedules(*SCHEDULES)]
