"""Payment repair (issue 11): lost webhooks are repaired by asking the provider.

- "orders: repair pending payments", every 5 minutes: `orders.tasks.repair_pending_payments` asks
  the provider about payments pending for ORDERS_PAYMENT_REPAIR_AFTER_MINUTES and applies what it
  says through the webhook's own path (the unpaid timeout asks too, before it cancels).
- `OfflineIntent`: the offline (test-mode) provider's own record of each payment, which it
  answers from when asked, as Stripe answers from its PaymentIntents.

Created only when missing (by name), so staff edits of the schedule survive.
"""

from django.db import migrations, models

from marketplace.core.migration_operations import beat_schedules

SCHEDULES = [
    {
        "name": "orders: repair pending payments",
        "task": "orders.tasks.repair_pending_payments",
        "every_seconds": 5 * 60,
        "description": (
            "Asks the payment provider about payments pending for a few minutes and applies "
            "what it says (a payment whose webhook was lost)."
        ),
    },
]


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0006_refund_ceiling"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="OfflineIntent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reference",
                    models.CharField(max_length=100, unique=True, verbose_name="reference"),
                ),
                ("payment_id", models.BigIntegerField(verbose_name="our payment id")),
                ("checkout_token", models.CharField(max_length=64, verbose_name="checkout")),
                (
                    "amount",
                    models.DecimalField(decimal_places=2, max_digits=12, verbose_name="amount"),
                ),
                ("currency", models.CharField(max_length=3, verbose_name="currency")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("requires_payment_method", "Waiting for the buyer"),
                            ("succeeded", "Paid (test)"),
                            ("canceled", "Cancelled"),
                        ],
                        default="requires_payment_method",
                        max_length=30,
                        verbose_name="status",
                    ),
                ),
                (
                    "last_error",
                    models.CharField(blank=True, max_length=300, verbose_name="last error"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
            ],
            options={
                "verbose_name": "offline payment intent",
                "verbose_name_plural": "offline payment intents",
            },
        ),
        beat_schedules(*SCHEDULES),
    ]
