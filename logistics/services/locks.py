"""Per-shop advisory locks that serialise logistics writes of one shop (defaults, names)."""

from django.db import connection

# First key of the two-int advisory lock; the second is the shop id.
TEMPLATES_LOCK = 0x4C4F47  # "LOG"
CARRIERS_LOCK = 0x4C4F48


def lock_shop(namespace: int, shop_id: int) -> None:
    """Hold `namespace`'s lock for `shop_id` until the surrounding transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, shop_id])
