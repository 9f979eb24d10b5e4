"""Stocktakes: start a count, enter counted quantities, review the differences, post them.

Posting brings each counted SKU to its count through `inventory.set_stock_levels` (one
"stocktake" movement per difference, with the reason), comparing with the stock *at posting*
under row locks, so sales made while counting are not lost.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.errors import CatalogError, ErrorCode
from catalog.models import Sku, Stocktake, StocktakeLine
from catalog.services import inventory
from compliance import audit
from marketplace.core.states import transition

MAX_LINES = 20_000


def start_stocktake(*, shop, actor, title: str, product_ids=None, sku_ids=None) -> Stocktake:
    """A new count of the shop's active SKUs (all, or those of some products / SKUs)."""
    title = " ".join((title or "").split())[:100] or _("Stocktake %(date)s") % {
        "date": timezone.localdate().isoformat()
    }
    skus = Sku.objects.for_shop(shop).filter(is_active=True)
    if product_ids:
        skus = skus.filter(product_id__in=list(product_ids))
    if sku_ids:
        skus = skus.filter(pk__in=list(sku_ids))
    with transaction.atomic():
        stocktake = Stocktake.objects.create(shop=shop, title=title, created_by=actor)
        sql, params = (
            skus.order_by("product_id", "position", "id").values_list("id").query.sql_with_params()
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO catalog_stocktakeline (shop_id, stocktake_id, sku_id)
                SELECT %s, %s, chosen.id FROM ({sql} LIMIT {MAX_LINES + 1}) AS chosen
                """,  # noqa: S608 - Django-generated SQL with its own parameters
                [shop.pk, stocktake.pk, *params],
            )
            count = cursor.rowcount
        if count == 0:
            raise CatalogError(_("There are no SKUs to count."), code=ErrorCode.INVALID)
        if count > MAX_LINES:
            raise CatalogError(
                _("Count at most %(max)d SKUs at a time; choose some products.")
                % {"max": MAX_LINES},
                code=ErrorCode.INVALID,
            )
        audit.record("catalog.stocktake.started", actor=actor, obj=stocktake, shop_id=shop.pk)
    return stocktake


def record_counts(stocktake: Stocktake, counts: dict[int, int | None], *, shop, actor=None) -> int:
    """Save counted quantities ({line id: count or None to clear}); returns lines changed."""
    if stocktake.shop_id != shop.pk:
        raise CatalogError(_("Not found."), code=ErrorCode.INVALID)
    if not stocktake.is_open:
        raise CatalogError(_("This stocktake is closed."), code=ErrorCode.NOT_EDITABLE)
    for value in counts.values():
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            raise CatalogError(
                _("Counted quantities are whole numbers, 0 or more."),
                code=ErrorCode.INVALID,
                field="counted",
            )
    lines = list(StocktakeLine.objects.filter(stocktake=stocktake, pk__in=list(counts)))
    now = timezone.now()
    changed = []
    for line in lines:
        value = counts[line.pk]
        if line.counted != value:
            line.counted = value
            line.counted_at = now if value is not None else None
            changed.append(line)
    StocktakeLine.objects.bulk_update(changed, ["counted", "counted_at"])
    return len(changed)


def post_stocktake(stocktake: Stocktake, *, shop, actor, reason: str) -> dict[int, tuple[int, int]]:
    """Post the differences of every counted line as stocktake movements, with `reason`."""
    if stocktake.shop_id != shop.pk:
        raise CatalogError(_("Not found."), code=ErrorCode.INVALID)
    reason = " ".join((reason or "").split())
    if not reason:
        raise CatalogError(
            _("Give a reason for the adjustments (e.g. “monthly count”, “damaged goods”)."),
            code=ErrorCode.INVALID,
            field="reason",
        )
    with transaction.atomic():
        locked = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
        if not locked.is_open:
            raise CatalogError(_("This stocktake is closed."), code=ErrorCode.NOT_EDITABLE)
        lines = list(locked.lines.filter(counted__isnull=False).order_by("sku_id"))
        if not lines:
            raise CatalogError(_("Enter at least one counted quantity."), code=ErrorCode.INVALID)
        result = inventory.set_stock_levels(
            {line.sku_id: line.counted for line in lines},
            shop=shop,
            actor=actor,
            reason=reason,
            reference=f"stocktake:{locked.pk}",
        )
        for line in lines:
            line.stock_at_posting, line.difference = result[line.sku_id]
        StocktakeLine.objects.bulk_update(lines, ["stock_at_posting", "difference"])
        transition(
            locked,
            to=Stocktake.State.POSTED,
            actor=actor,
            reason=reason,
            changes={"reason": reason[:255], "posted_by": actor, "posted_at": timezone.now()},
        )
        audit.record(
            "catalog.stocktake.posted",
            actor=actor,
            obj=locked,
            shop_id=shop.pk,
            after={"lines": len(lines), "changed": sum(1 for _b, d in result.values() if d)},
            reason=reason,
        )
    stocktake.refresh_from_db()
    return result


def cancel_stocktake(stocktake: Stocktake, *, shop, actor) -> None:
    if stocktake.shop_id != shop.pk:
        raise CatalogError(_("Not found."), code=ErrorCode.INVALID)
    transition(stocktake, to=Stocktake.State.CANCELLED, actor=actor)
