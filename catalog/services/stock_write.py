"""The one statement that writes a change of stock (`catalog.services.inventory._apply`): the
SKUs' conditional update, the stock ledger rows and the products' totals (decision 0012)."""

from __future__ import annotations

from django.db import connection

_WRITE_SQL = """
WITH s AS (
    UPDATE catalog_sku AS s
       SET stock = s.stock + v.change,
           reserved = s.reserved + v.reserved_change,
           sold_count = s.sold_count + v.sold,
           low_stock_alerted = (s.stock + v.change <= s.warning_line),
           updated_at = %s
      FROM UNNEST(%s::bigint[], %s::integer[], %s::integer[], %s::integer[])
           AS v(id, change, reserved_change, sold)
     WHERE s.id = v.id
       AND s.stock + v.change >= 0
       AND s.reserved + v.reserved_change >= 0
    RETURNING s.id, s.stock, s.reserved, s.low_stock_alerted
), m AS (
    INSERT INTO catalog_stockmovement
           (shop_id, sku_id, kind, quantity, reserved_change, stock_after, reserved_after,
            reference, reason, actor_id, created_at)
    SELECT * FROM UNNEST(%s::bigint[], %s::bigint[], %s::varchar[], %s::integer[],
                         %s::integer[], %s::integer[], %s::integer[], %s::varchar[],
                         %s::varchar[], %s::bigint[], %s::timestamptz[])
    RETURNING id
), p AS (
    UPDATE catalog_product AS p
       SET total_stock = GREATEST(p.total_stock + v.change, 0),
           sales_count = p.sales_count + v.sold
      FROM UNNEST(%s::bigint[], %s::integer[], %s::integer[]) AS v(id, change, sold)
     WHERE p.id = v.id
)
SELECT s.id, s.stock, s.reserved, s.low_stock_alerted,
       (SELECT array_agg(m.id ORDER BY m.id) FROM m)
  FROM s
"""

MOVEMENT_COLUMNS = (
    "shop_id",
    "sku_id",
    "kind",
    "quantity",
    "reserved_change",
    "stock_after",
    "reserved_after",
    "reference",
    "reason",
    "actor_id",
    "created_at",
)


def write_stock(*, now, totals, movements, products) -> list[tuple]:
    """`totals`: [(sku id, [change of stock, of reserved, units sold])], `movements`: the
    `StockMovement`s to insert, `products`: [(product id, change of total stock, units sold)].
    Returns (sku id, stock, reserved, low-stock flag, [movement ids]) per SKU updated: a SKU
    missing from the answer was refused by the conditional update (the caller raises, and its
    transaction rolls back whatever this statement wrote)."""
    params: list = [now]
    params += [[row[0] for row in totals]]
    params += [[row[1][n] for row in totals] for n in range(3)]
    params += [[getattr(movement, name) for movement in movements] for name in MOVEMENT_COLUMNS]
    params += [[row[n] for row in products] for n in range(3)]
    with connection.cursor() as cursor:
        cursor.execute(_WRITE_SQL, params)
        return cursor.fetchall()
