"""The ledger's side of `order_paid`: the orders of one payment posted together (decision 0012).

    record_orders_paid([order_id, …], payment_id=)   # commissions frozen, sale, commission and
                                                     # platform-funded discount posted; transfers

Part of `orders.finance.services.ledger` (which re-exports it and subscribes it to
`order_paid` as a batch handler); apart only to keep each module short.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.core.money import quantize
from orders.finance.commission import order_commission_breakdown
from orders.models import LedgerEntry, Order, OrderCommission, OrderLine, PaymentAllocation

Kind = LedgerEntry.Kind


def record_orders_paid(
    order_ids: list[int], *, payment_id: int | None = None
) -> dict[int, OrderCommission]:
    """`record_order_paid` for the orders of one payment, in one transaction and a constant
    number of queries whatever their number: the orders locked by id, their commissions (those
    not frozen yet computed from their lines and inserted at once), every posting in one INSERT
    that skips a `source` already posted (the unique (shop, source)), then the transfers.
    Returns {order id: commission} of the orders paid. Idempotent."""
    from orders.finance.services import transfers

    with transaction.atomic():
        orders = list(
            Order.objects.select_for_update(of=("self",))
            .select_related("shop")
            .filter(pk__in=sorted(set(order_ids)), paid_at__isnull=False)
            .order_by("pk")
        )
        if not orders:
            return {}
        commissions = {c.order_id: c for c in OrderCommission.objects.filter(order__in=orders)}
        new = [order for order in orders if order.pk not in commissions]
        if new:
            sales = _sale_amounts(new, payment_id)
            lines_of: dict[int, list] = {order.pk: [] for order in new}
            for line in OrderLine.objects.filter(order__in=new).order_by("pk"):
                lines_of[line.order_id].append(line)
            frozen = []
            for order in new:
                breakdown = order_commission_breakdown(order, lines_of[order.pk])
                paid_by, sale = sales[order.pk]
                frozen.append(
                    OrderCommission(
                        shop_id=order.shop_id,
                        order=order,
                        payment_id=paid_by,
                        currency=order.currency,
                        sale=sale,
                        goods_value=breakdown.goods_value,
                        platform_discount=breakdown.platform_discount,
                        amount=breakdown.amount,
                        minimum=breakdown.minimum,
                        minimum_applied=breakdown.minimum_applied,
                        net=sale + breakdown.platform_discount - breakdown.amount,
                        lines=[line.as_json() for line in breakdown.lines],
                    )
                )
            for commission in OrderCommission.objects.bulk_create(frozen):
                commissions[commission.order_id] = commission
        rows = []
        for order in orders:
            commission = commissions[order.pk]
            available_at = order.completed_at if order.state == Order.State.COMPLETED else None
            common = {
                "shop_id": order.shop_id,
                "currency": order.currency,
                "order": order,
                "order_number": order.number,
                "available_at": available_at,
            }
            for kind, amount, suffix, memo, links in (
                (Kind.SALE, commission.sale, "sale", "", {"payment_id": commission.payment_id}),
                (
                    Kind.COMMISSION,
                    -commission.amount,
                    "commission",
                    _("Minimum commission") if commission.minimum_applied else "",
                    {},
                ),
                (
                    Kind.ADJUSTMENT,
                    commission.platform_discount,
                    "platform-discount",
                    _("Discount funded by the platform"),
                    {},
                ),
            ):
                amount = quantize(amount, order.currency)
                if amount != 0:  # a zero amount writes nothing (as `post`)
                    rows.append(
                        LedgerEntry(
                            **common,
                            kind=kind,
                            amount=amount,
                            source=f"order:{order.pk}:{suffix}",
                            memo=str(memo)[:200],
                            **links,
                        )
                    )
        # A row already posted (a repeated event, a concurrent delivery) is skipped by the unique
        # (shop, source): each row is written once.
        LedgerEntry.objects.bulk_create(rows, ignore_conflicts=True)
        transfers.create_transfers_for_orders([(order, commissions[order.pk]) for order in orders])
    return {order.pk: commissions[order.pk] for order in orders}


def _sale_amounts(orders: list[Order], payment_id: int | None) -> dict[int, tuple]:
    """{order id: (the payment that paid it, its sale)}: the payment's allocation to the order,
    or (no payment named) the order's first succeeded payment's; else the order's total."""
    allocations = PaymentAllocation.objects.filter(order__in=orders)
    if payment_id is not None:
        allocations = allocations.filter(payment_id=payment_id)
    else:
        allocations = allocations.filter(payment__state="succeeded").order_by(
            "order_id", "payment__succeeded_at"
        )
    found: dict[int, tuple] = {}
    for allocation in allocations:
        found.setdefault(allocation.order_id, (allocation.payment_id, allocation.amount))
    return {
        order.pk: (
            found.get(order.pk, (payment_id, None))[0],
            found[order.pk][1] if order.pk in found else order.total,
        )
        for order in orders
    }
