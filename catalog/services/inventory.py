"""Stock: every change of `Sku.stock` / `Sku.reserved` happens here, with its ledger row.

One internal path, `_apply()`, does all of it inside one transaction:

1. lock the SKUs and their products in the one lock order (`lock_stock`: by product id, each
   product before its SKUs, SKUs by id, as a seller's edit of a product and its SKU matrix
   takes them too), so two paths touching the same SKUs cannot deadlock; FOR NO KEY UPDATE, so
   inserting a row that references a SKU (whose foreign-key check takes a KEY SHARE lock, at
   commit) never waits for these locks (docs/architecture.md, "Lock order");
2. check every line against the locked balances (a clear error naming the SKU, nothing written);
3. one conditional ``UPDATE … SET stock = stock + change … WHERE stock + change >= 0`` for all
   lines (the CHECK constraint is the last guard), which also sets or clears the SKU's
   low-stock flag;
4. one INSERT of the ledger rows (`StockMovement`, append-only);
5. the products' denormalised `total_stock` / `sales_count` (their rows were locked in step 1);
6. one `StockAlert` per SKU whose flag went from clear to set (one alert per crossing, not per
   sale), delivered by a Celery task enqueued on commit.

The orders app calls `reserve_stock`, `release_stock`, `commit_sale` and `return_stock` with an
order reference; sellers call `receive_stock`, `adjust_stock` and `set_stock` (stocktakes). The
orders of one checkout (several shops) change together through `reserve_stock_for_orders` and
`commit_sales`, which take all their locks at once in the one order, never order by order.
`lock_stock(sku_ids)` is the lock itself (placement takes it before pricing the cart).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.errors import CatalogError, ErrorCode, InsufficientStock
from catalog.models import Sku, StockAlert, StockMovement
from catalog.services.stock_write import write_stock

Kind = StockMovement.Kind
MAX_QUANTITY = 1_000_000


@dataclass(frozen=True)
class StockLine:
    """A quantity of one SKU (always positive; the service decides the direction)."""

    sku_id: int
    quantity: int


@dataclass
class _Change:
    sku_id: int
    kind: str
    quantity: int = 0  # change of stock
    reserved_change: int = 0
    reference: str = ""
    reason: str = ""


def _lines(lines: Iterable[StockLine | tuple[int, int] | dict]) -> list[StockLine]:
    """Accepts StockLine, (sku_id, quantity) or {"sku_id", "quantity"}; merges repeated SKUs."""
    merged: dict[int, int] = defaultdict(int)
    for line in lines:
        if isinstance(line, StockLine):
            sku_id, quantity = line.sku_id, line.quantity
        elif isinstance(line, dict):
            sku_id, quantity = line["sku_id"], line["quantity"]
        else:
            sku_id, quantity = line
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise CatalogError(_("Quantities are whole numbers."), code=ErrorCode.INVALID)
        if quantity <= 0 or quantity > MAX_QUANTITY:
            raise CatalogError(
                _("Each quantity must be between 1 and %(max)d.") % {"max": MAX_QUANTITY},
                code=ErrorCode.INVALID,
                field="quantity",
            )
        merged[int(sku_id)] += quantity
    if not merged:
        raise CatalogError(_("No lines were given."), code=ErrorCode.INVALID)
    return [StockLine(sku_id, quantity) for sku_id, quantity in sorted(merged.items())]


def _sku_name(sku: Sku) -> str:
    return f"{sku.code} ({sku.option_label})" if sku.option_label else sku.code


def lock_stock(sku_ids: Iterable[int], *, shop=None, strict: bool = True) -> dict[int, Sku]:
    """Lock the SKUs `sku_ids` and their products for a change of stock, in the one lock order:
    by product id, each product before its SKUs, the SKUs by id (one statement, FOR NO KEY
    UPDATE OF the product, then the SKU, of each row in that order). Returns the locked SKUs by
    id, with their product and shop read. An unknown SKU (or another shop's, with `shop`) is a
    `CatalogError`, or left out of the answer when not `strict`. Inside the caller's
    transaction; locking again rows this transaction holds does not wait."""
    ids = sorted({int(sku_id) for sku_id in sku_ids})
    skus = Sku.objects.filter(pk__in=ids)
    if shop is not None:
        skus = skus.filter(shop=shop)
    locked = {
        sku.pk: sku
        for sku in skus.select_related("product", "shop")
        .select_for_update(no_key=True, of=("product", "self"))
        .order_by("product_id", "pk")
    }
    missing = [sku_id for sku_id in ids if sku_id not in locked]
    if missing and strict:
        raise CatalogError(
            _("Unknown SKU: %(ids)s.") % {"ids": ", ".join(map(str, missing))},
            code=ErrorCode.UNKNOWN_SKU,
            field="sku",
        )
    return locked


def lock_stock_of(rows, *, sku: str = "sku") -> list:
    """`lock_stock` of the SKUs that the rows of `rows` (a queryset of a model with a foreign
    key `sku` to a SKU, e.g. a buyer's cart lines) name, in the same statement that reads those
    rows: each row comes with its SKU, the SKU's product and shop read under the lock, in the
    one lock order (by product id, each product before its SKUs: FOR NO KEY UPDATE OF the
    product, then the SKU). The rows themselves are not locked. Returns them in that order."""
    return list(
        rows.select_related(sku, f"{sku}__product", f"{sku}__shop")
        .select_for_update(no_key=True, of=(f"{sku}__product", sku))
        .order_by(f"{sku}__product_id", f"{sku}_id")
    )


def _apply(
    changes: list[_Change],
    *,
    actor=None,
    shop=None,
    locked: dict[int, Sku] | None = None,
    savepoint: bool = True,
) -> list[StockMovement]:
    """Apply `changes` atomically; see the module docstring. Raises before writing anything.

    `locked`: the SKUs this transaction has locked already with `lock_stock` and not changed
    since (placement locks them before pricing): they are not locked again, and the caller's
    transaction is the only one (no savepoint), so a refusal here rolls all of it back; so does
    `savepoint=False`. The writes (SKUs, ledger rows, products) are one statement."""
    sku_ids = {change.sku_id for change in changes}
    reuse = locked is not None and sku_ids <= set(locked) and connection.in_atomic_block
    with transaction.atomic(savepoint=savepoint and not reuse):
        skus = locked if reuse else lock_stock(sku_ids, shop=shop)
        # Per SKU totals, checked against the locked balances.
        totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for change in changes:
            total = totals[change.sku_id]
            total[0] += change.quantity
            total[1] += change.reserved_change
            if change.kind == Kind.SOLD:
                total[2] += -(change.quantity + change.reserved_change)
        for sku_id, (quantity, reserved_change, _sold) in sorted(totals.items()):
            sku = skus[sku_id]
            if sku.stock + quantity < 0:
                raise InsufficientStock(
                    _("Not enough stock of “%(sku)s”: %(available)d available, %(wanted)d asked.")
                    % {"sku": _sku_name(sku), "available": sku.stock, "wanted": -quantity},
                    sku_id=sku_id,
                    available=sku.stock,
                )
            if sku.reserved + reserved_change < 0:
                raise InsufficientStock(
                    _("Only %(reserved)d of “%(sku)s” are reserved.")
                    % {"sku": _sku_name(sku), "reserved": sku.reserved},
                    sku_id=sku_id,
                    available=sku.reserved,
                    code=ErrorCode.NOT_RESERVED,
                )

        now = timezone.now()
        rows = sorted(totals.items())
        # The ledger: running balances per SKU, in the order the changes were given.
        running = {sku_id: [skus[sku_id].stock, skus[sku_id].reserved] for sku_id in sku_ids}
        actor_id = actor.pk if getattr(actor, "pk", None) else None
        movements = []
        for change in changes:
            balance = running[change.sku_id]
            balance[0] += change.quantity
            balance[1] += change.reserved_change
            movements.append(
                StockMovement(
                    shop_id=skus[change.sku_id].shop_id,
                    sku_id=change.sku_id,
                    kind=change.kind,
                    quantity=change.quantity,
                    reserved_change=change.reserved_change,
                    stock_after=balance[0],
                    reserved_after=balance[1],
                    reference=change.reference[:64],
                    reason=change.reason[:255],
                    actor_id=actor_id,
                    created_at=now,
                )
            )
        result = write_stock(
            now=now, totals=rows, movements=movements, products=_product_changes(skus, totals)
        )
        updated = {row[0]: row[:4] for row in result}
        if len(updated) != len(rows):  # cannot happen under the row locks; never half-write
            raise InsufficientStock(
                _("The stock changed meanwhile; try again."), sku_id=0, available=0
            )
        for movement, pk in zip(movements, result[0][4], strict=True):
            movement.pk = pk
            movement._state.adding = False
        _record_crossings(skus, updated, now=now)
        return movements


def _product_changes(skus: dict[int, Sku], totals: dict[int, list[int]]) -> list[tuple]:
    """(product id, change of its total stock, units sold) of the products whose SKUs change
    (their rows were locked by `lock_stock`, before their SKUs)."""
    per_product: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for sku_id, (quantity, _reserved, sold) in totals.items():
        sku = skus[sku_id]
        entry = per_product[sku.product_id]
        if sku.is_active:
            entry[0] += quantity
        entry[1] += sold
    return sorted((pid, d[0], d[1]) for pid, d in per_product.items() if d[0] or d[1])


def _record_crossings(skus: dict[int, Sku], updated: dict[int, tuple], *, now) -> None:
    crossed, recovered = [], []
    for sku_id, (_id, stock, _reserved, alerted) in updated.items():
        sku = skus[sku_id]
        if alerted and not sku.low_stock_alerted:
            crossed.append(
                StockAlert(
                    shop_id=sku.shop_id, sku_id=sku_id, stock=stock, warning_line=sku.warning_line
                )
            )
        elif not alerted and sku.low_stock_alerted:
            recovered.append(sku_id)
        sku.stock, sku.low_stock_alerted = stock, alerted
    if recovered:
        StockAlert.objects.filter(sku_id__in=recovered, resolved_at__isnull=True).update(
            resolved_at=now
        )
    if crossed:
        created = StockAlert.objects.bulk_create(crossed)
        _deliver_on_commit([alert.pk for alert in created])


def _deliver_on_commit(alert_ids: list[int]) -> None:
    from catalog import tasks

    transaction.on_commit(lambda: tasks.deliver_stock_alerts.delay(alert_ids))


# --- The orders app's side ------------------------------------------------------------------------
def _outstanding(order_ref: str, kinds_field: str, *, sku_ids=None) -> dict[int, int]:
    """Units of each SKU still reserved (reserved_change) or sold for `order_ref`."""
    queryset = StockMovement.objects.filter(reference=order_ref)
    if sku_ids is not None:
        queryset = queryset.filter(sku_id__in=sku_ids)
    if kinds_field == "reserved":
        rows = queryset.values("sku_id").annotate(total=Sum("reserved_change"))
        return {row["sku_id"]: row["total"] for row in rows if row["total"] > 0}
    rows = queryset.values("sku_id").annotate(
        sold=Sum("quantity", filter=Q(kind=Kind.SOLD)),
        sold_reserved=Sum("reserved_change", filter=Q(kind=Kind.SOLD)),
        returned=Sum("quantity", filter=Q(kind=Kind.RETURNED)),
    )
    result = {}
    for row in rows:
        sold = -((row["sold"] or 0) + (row["sold_reserved"] or 0))
        left = sold - (row["returned"] or 0)
        if left > 0:
            result[row["sku_id"]] = left
    return result


def _reserved_for(order_refs: list[str]) -> list[tuple[str, int, int]]:
    """(reference, SKU, units) still reserved for each of `order_refs`, in one query."""
    rows = (
        StockMovement.objects.filter(reference__in=order_refs)
        .values("reference", "sku_id")
        .annotate(total=Sum("reserved_change"))
    )
    return sorted(
        (row["reference"], row["sku_id"], row["total"]) for row in rows if row["total"] > 0
    )


def _check_reference(order_ref: str) -> str:
    order_ref = (order_ref or "").strip()
    if not order_ref or len(order_ref) > 64:
        raise CatalogError(
            _("An order reference (1 to 64 characters) is required."),
            code=ErrorCode.INVALID,
            field="order_ref",
        )
    return order_ref


def reserve_stock(lines, *, order_ref: str, actor=None) -> list[StockMovement]:
    """Hold stock for an unpaid order: stock → reserved. All lines or none (InsufficientStock)."""
    return reserve_stock_for_orders({order_ref: lines}, actor=actor)


def reserve_stock_for_orders(
    lines_by_order: dict, *, actor=None, locked: dict[int, Sku] | None = None
) -> list[StockMovement]:
    """`reserve_stock` for the orders of one checkout ({order_ref: lines}): one lock of all their
    SKUs, in the one order, and one update. All lines of all orders or none. `locked`: the SKUs
    `lock_stock` / `lock_stock_of` returned earlier in the caller's transaction (placement):
    not locked again."""
    changes = [
        _Change(line.sku_id, Kind.RESERVED, -line.quantity, line.quantity, _check_reference(ref))
        for ref, lines in lines_by_order.items()
        for line in _lines(lines)
    ]
    return _apply(changes, actor=actor, locked=locked)


def release_stock(*, order_ref: str, lines=None, actor=None, reason: str = ""):
    """Give an order's reservation back to stock (cancelled or timed out).

    Without `lines`, everything still reserved for `order_ref` is released (safe to call twice:
    the second call releases nothing and returns []). With `lines`, each may not exceed what is
    still reserved for the order.
    """
    order_ref = _check_reference(order_ref)
    with transaction.atomic():
        wanted = _lines(lines) if lines is not None else None
        sku_ids = [line.sku_id for line in wanted] if wanted else None
        if sku_ids:
            lock_stock(sku_ids)
        outstanding = _outstanding(order_ref, "reserved", sku_ids=sku_ids)
        if wanted is None:
            wanted = [StockLine(sku_id, qty) for sku_id, qty in sorted(outstanding.items())]
            if not wanted:
                return []
        for line in wanted:
            if line.quantity > outstanding.get(line.sku_id, 0):
                raise InsufficientStock(
                    _("Only %(left)d units of SKU %(sku)s are reserved for order %(ref)s.")
                    % {
                        "left": outstanding.get(line.sku_id, 0),
                        "sku": line.sku_id,
                        "ref": order_ref,
                    },
                    sku_id=line.sku_id,
                    available=outstanding.get(line.sku_id, 0),
                    code=ErrorCode.NOT_RESERVED,
                )
        changes = [
            _Change(line.sku_id, Kind.RELEASED, line.quantity, -line.quantity, order_ref, reason)
            for line in wanted
        ]
        return _apply(changes, actor=actor)


def commit_sale(*, order_ref: str, lines=None, actor=None) -> list[StockMovement]:
    """The order is paid: its reserved units are sold.

    Without `lines`: every unit still reserved for `order_ref` (safe to call twice). With
    `lines`: each line takes what is reserved for the order first and sells the rest straight
    from stock (conditional update; `InsufficientStock` if there is not enough).
    """
    order_ref = _check_reference(order_ref)
    with transaction.atomic():
        wanted = _lines(lines) if lines is not None else None
        sku_ids = [line.sku_id for line in wanted] if wanted else None
        if sku_ids:
            lock_stock(sku_ids)
        outstanding = _outstanding(order_ref, "reserved", sku_ids=sku_ids)
        if wanted is None:
            wanted = [StockLine(sku_id, qty) for sku_id, qty in sorted(outstanding.items())]
            if not wanted:
                return []
        changes = []
        for line in wanted:
            from_reserved = min(line.quantity, outstanding.get(line.sku_id, 0))
            direct = line.quantity - from_reserved
            changes.append(_Change(line.sku_id, Kind.SOLD, -direct, -from_reserved, order_ref))
        return _apply(changes, actor=actor)


def commit_sales(*, order_refs: Iterable[str], actor=None) -> list[StockMovement]:
    """`commit_sale` of everything still reserved for several orders (one payment of a checkout
    with orders of several shops): one lock of all their SKUs in the one order, one update. Safe
    to call twice."""
    reserved = _reserved_for(sorted({_check_reference(ref) for ref in order_refs}))
    changes = [_Change(sku_id, Kind.SOLD, 0, -units, ref) for ref, sku_id, units in reserved]
    # Inside the payment's transaction, no savepoint of its own: a refusal (which the locked
    # reservation cannot meet) rolls the payment's transaction back.
    return _apply(changes, actor=actor, savepoint=False) if changes else []


def return_stock(lines, *, order_ref: str, actor=None, reason: str = "") -> list[StockMovement]:
    """Returned goods go back into stock; at most what was sold for `order_ref`, per SKU."""
    order_ref = _check_reference(order_ref)
    with transaction.atomic():
        wanted = _lines(lines)
        lock_stock([line.sku_id for line in wanted])
        sold = _outstanding(order_ref, "sold", sku_ids=[line.sku_id for line in wanted])
        for line in wanted:
            if line.quantity > sold.get(line.sku_id, 0):
                raise InsufficientStock(
                    _(
                        "Only %(left)d units of SKU %(sku)s were sold on order %(ref)s and not "
                        "yet returned."
                    )
                    % {"left": sold.get(line.sku_id, 0), "sku": line.sku_id, "ref": order_ref},
                    sku_id=line.sku_id,
                    available=sold.get(line.sku_id, 0),
                    code=ErrorCode.NOT_SOLD,
                )
        changes = [
            _Change(line.sku_id, Kind.RETURNED, line.quantity, 0, order_ref, reason)
            for line in wanted
        ]
        return _apply(changes, actor=actor)


# --- The seller's side ----------------------------------------------------------------------------
def _require_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise CatalogError(
            _("Give a reason for the adjustment."), code=ErrorCode.INVALID, field="reason"
        )
    return reason[:255]


def receive_stock(
    sku: Sku, quantity: int, *, shop, actor=None, reason: str = "", reference: str = ""
) -> StockMovement:
    """Goods arrived: stock + quantity."""
    line = _lines([(sku.pk, quantity)])[0]
    change = _Change(sku.pk, Kind.RECEIVED, line.quantity, 0, reference, reason)
    return _apply([change], actor=actor, shop=shop)[0]


def receive_many(lines, *, actor=None, reason: str = "", reference: str = ""):
    """Goods arrived for several SKUs at once ([(sku_id, quantity)]), e.g. opening stock."""
    changes = [
        _Change(line.sku_id, Kind.RECEIVED, line.quantity, 0, reference, reason)
        for line in _lines(lines)
    ]
    return _apply(changes, actor=actor)


def adjust_stock(
    sku: Sku, change: int, *, shop, actor=None, reason: str, reference: str = ""
) -> StockMovement:
    """A correction of ± `change` units, with a reason. Refused if stock would go below zero."""
    if isinstance(change, bool) or not isinstance(change, int) or change == 0:
        raise CatalogError(
            _("Enter a change other than zero, e.g. 5 or -3."),
            code=ErrorCode.INVALID,
            field="change",
        )
    if abs(change) > MAX_QUANTITY:
        raise CatalogError(
            _("A change may be at most %(max)d units.") % {"max": MAX_QUANTITY},
            code=ErrorCode.INVALID,
            field="change",
        )
    reason = _require_reason(reason)
    try:
        return _apply(
            [_Change(sku.pk, Kind.ADJUSTED, change, 0, reference, reason)], actor=actor, shop=shop
        )[0]
    except InsufficientStock as error:
        raise CatalogError(
            _("Stock of “%(sku)s” is %(stock)d; it cannot go below zero.")
            % {"sku": sku.code, "stock": error.available},
            code=ErrorCode.BELOW_ZERO,
            field="change",
        ) from error


def set_stock_levels(
    levels: dict[int, int], *, shop, kind=Kind.STOCKTAKE, actor=None, reason: str, reference=""
) -> dict[int, tuple[int, int]]:
    """Bring SKUs to counted levels ({sku_id: level}); returns {sku_id: (before, difference)}.

    Differences are computed against the *locked* stock, so a sale between counting and posting
    is not lost. SKUs already at their level get no movement.
    """
    reason = _require_reason(reason)
    for level in levels.values():
        if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= MAX_QUANTITY:
            raise CatalogError(
                _("Counted quantities are whole numbers from 0 to %(max)d.")
                % {"max": MAX_QUANTITY},
                code=ErrorCode.INVALID,
                field="counted",
            )
    with transaction.atomic():
        skus = lock_stock(levels, shop=shop)
        result = {}
        changes = []
        for sku_id in sorted(levels):
            before = skus[sku_id].stock
            difference = levels[sku_id] - before
            result[sku_id] = (before, difference)
            if difference:
                changes.append(_Change(sku_id, kind, difference, 0, reference, reason))
        if changes:
            _apply(changes, actor=actor, shop=shop)
        return result


def set_alert_settings(
    sku: Sku, *, shop, warning_line: int, lead_time_days: int | None = None
) -> Sku:
    """Change a SKU's warning line (and lead time). Raising the line above the current stock is a
    crossing too: it raises its one alert now."""
    if isinstance(warning_line, bool) or not isinstance(warning_line, int) or warning_line < 0:
        raise CatalogError(
            _("The warning line is a whole number, 0 or more."),
            code=ErrorCode.INVALID,
            field="warning_line",
        )
    if lead_time_days is not None and not 0 <= lead_time_days <= 365:
        raise CatalogError(
            _("The lead time is between 0 and 365 days."),
            code=ErrorCode.INVALID,
            field="lead_time_days",
        )
    with transaction.atomic():
        locked = lock_stock([sku.pk], shop=shop)[sku.pk]
        now = timezone.now()
        alerted = locked.stock <= warning_line
        fields = {"warning_line": warning_line, "low_stock_alerted": alerted, "updated_at": now}
        if lead_time_days is not None:
            fields["lead_time_days"] = lead_time_days
        Sku.objects.filter(pk=sku.pk).update(**fields)
        _record_crossings({sku.pk: locked}, {sku.pk: (sku.pk, locked.stock, 0, alerted)}, now=now)
        for name, value in fields.items():
            setattr(sku, name, value)
        return sku


_RECHECK_SQL = """
WITH changed AS (
    UPDATE catalog_sku
       SET low_stock_alerted = (stock <= warning_line)
     WHERE is_active
       AND low_stock_alerted IS DISTINCT FROM (stock <= warning_line)
 RETURNING id, shop_id, stock, warning_line, low_stock_alerted
), resolved AS (
    UPDATE catalog_stockalert AS a
       SET resolved_at = %(now)s
      FROM changed AS c
     WHERE a.sku_id = c.id AND NOT c.low_stock_alerted AND a.resolved_at IS NULL
)
INSERT INTO catalog_stockalert (shop_id, sku_id, stock, warning_line, created_at)
SELECT shop_id, id, stock, warning_line, %(now)s FROM changed WHERE low_stock_alerted
RETURNING id
"""


def recheck_all_low_stock() -> list[int]:
    """Re-evaluate every active SKU against its warning line in one SQL statement.

    Sets the flag (and raises one alert) where stock is at or below the line but no alert was
    raised, clears it where stock is above again. Returns the new alerts' ids (delivered by
    Celery on commit). Safe to run any number of times.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_RECHECK_SQL, {"now": timezone.now()})
        alert_ids = [row[0] for row in cursor.fetchall()]
        if alert_ids:
            _deliver_on_commit(alert_ids)
        return alert_ids
