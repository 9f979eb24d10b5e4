"""Order numbers: the placement date and a value of one PostgreSQL sequence ("26112301000042").

Unique without any lock (the sequence never hands out a value twice), readable over the phone,
and sortable by date. `next_order_numbers(3)` takes three values in one query.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone


def next_order_numbers(count: int, *, now=None) -> list[str]:
    if count < 1:
        return []
    day = timezone.localtime(now or timezone.now()).strftime("%y%m%d")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval('orders_order_number_seq') FROM generate_series(1, %s)", [count]
        )
        values = [row[0] for row in cursor.fetchall()]
    return [f"{day}{value:08d}" for value in sorted(values)]
