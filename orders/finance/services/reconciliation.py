"""Reconciliation: the shops' ledgers against the payment records, listing every difference.

    report = reconcile(shop=None, since=None)     # for platform staff: admin page, `reconcile`
    report.differences   # [Difference(kind, shop, order, reference, expected, actual, note)]
    report.held          # transfers waiting for a shop's Stripe account, or failed
    report.ok            # no difference

What is compared (each in SQL, per order, per payment, per transfer; only differences are read):
- sale:        the order's sale rows = what succeeded payments allocated to it, less the money
               refunded because it was never a sale (a late or duplicate payment);
- refund:      the order's refund rows = its succeeded refunds (cancellations, after-sales);
- commission:  the order's commission row = the commission frozen at payment;
- payment:     a payment's amount = the sum of its allocations (the orders it pays);
- transfer:    a sent transfer has its payout row for the amount sent, a sent reversal its row
               back; a transfer sent for more than the order's net (less refunds deducted);
- orphan:      ledger rows of an order that was never paid;
and per payment, captured against refunded against reversed:
- refund_ceiling:  the payment's refunds (pending and succeeded) are more than it captured (its
                   amount once succeeded, else nothing);
- refund_total:    the payment's refunded total (kept by the database) differs from its refunds;
- refund_unbooked: a succeeded refund of a sale has no refund row of its amount in the ledger;
- reversal_share:  what was taken back from a shop's transfer (its reversals, sent or deducted
                   before sending) differs from the shop's share of the order's refunds (minus
                   the refund rows, commission given back and platform discount taken back),
                   capped at what the transfer owed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Greatest, Least
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.core.money import ZERO
from orders.finance.services.ledger import NOT_A_SALE
from orders.models import (
    LedgerEntry,
    Order,
    OrderCommission,
    Payment,
    PaymentAllocation,
    Refund,
    ShopTransfer,
    TransferReversal,
)

Kind = LedgerEntry.Kind
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)

KIND_LABELS = {
    "sale": gettext_lazy("Sale differs from the payment"),
    "refund": gettext_lazy("Refund differs from the refund records"),
    "commission": gettext_lazy("Commission differs from the frozen commission"),
    "payment": gettext_lazy("Payment differs from its allocations"),
    "transfer": gettext_lazy("Transfer differs from the ledger"),
    "reversal": gettext_lazy("Transfer reversal differs from the ledger"),
    "orphan": gettext_lazy("Ledger rows for an order that was never paid"),
    "refund_ceiling": gettext_lazy("Refunds above what the payment captured"),
    "refund_total": gettext_lazy("The payment's refunded total differs from its refunds"),
    "refund_unbooked": gettext_lazy("Succeeded refund without its ledger row"),
    "reversal_share": gettext_lazy("Transfer reversals differ from the shop share of the refunds"),
}


@dataclass(frozen=True)
class Difference:
    kind: str
    shop_id: int | None
    shop_name: str
    order_number: str
    reference: str
    expected: Decimal
    actual: Decimal
    currency: str
    note: str = ""

    @property
    def label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def delta(self) -> Decimal:
        return self.actual - self.expected


@dataclass
class Report:
    differences: list[Difference] = field(default_factory=list)
    held: list[ShopTransfer] = field(default_factory=list)
    orders_checked: int = 0
    payments_checked: int = 0
    transfers_checked: int = 0
    generated_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.differences


def _sum(queryset, group: str, column: str = "amount"):
    """SUM(column) of the `queryset` rows linked to the outer row (through OuterRef in its
    filter), grouped by `group`, as a decimal (0 when there are none): a correlated subquery."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(total=Sum(column)).values("total")[:1],
            output_field=MONEY_FIELD,
        ),
        Value(ZERO),
        output_field=MONEY_FIELD,
    )


def _ledger(kind: str, **extra):
    return _sum(LedgerEntry.objects.filter(order_id=OuterRef("pk"), kind=kind, **extra), "order_id")


def _reversal_source(pk_ref):
    return Concat(Value("reversal:"), Cast(pk_ref, CharField()), output_field=CharField())


def _order_rows(*, shop=None, since=None):
    paid_or_booked = Q(paid_at__isnull=False) | Q(
        Exists(LedgerEntry.objects.filter(order_id=OuterRef("pk")))
    )
    orders = Order.objects.filter(paid_or_booked)
    if shop is not None:
        orders = orders.filter(shop=shop)
    if since is not None:
        orders = orders.filter(created_at__gte=since)
    return orders.annotate(
        allocated=_sum(
            PaymentAllocation.objects.filter(
                order_id=OuterRef("pk"), payment__state=Payment.State.SUCCEEDED
            ),
            "order_id",
        ),
        not_a_sale=_sum(
            Refund.objects.filter(order_id=OuterRef("pk"), reason__in=NOT_A_SALE), "order_id"
        ),
        refunded=_sum(
            Refund.objects.filter(order_id=OuterRef("pk"), state=Refund.State.SUCCEEDED).exclude(
                reason__in=NOT_A_SALE
            ),
            "order_id",
        ),
        frozen=Coalesce(
            Subquery(OrderCommission.objects.filter(order_id=OuterRef("pk")).values("amount")[:1]),
            Value(ZERO),
            output_field=MONEY_FIELD,
        ),
        ledger_sale=_ledger(Kind.SALE),
        ledger_total=_sum(LedgerEntry.objects.filter(order_id=OuterRef("pk")), "order_id"),
        has_rows=Exists(LedgerEntry.objects.filter(order_id=OuterRef("pk"))),
        ledger_refund=_ledger(Kind.REFUND),
        ledger_commission=_ledger(Kind.COMMISSION, refund__isnull=True),
    ).select_related("shop")


def _order_differences(orders) -> list[Difference]:
    differing = orders.annotate(expected_sale=F("allocated") - F("not_a_sale")).filter(
        ~Q(expected_sale=F("ledger_sale"))
        | ~Q(ledger_refund=-F("refunded"))
        | ~Q(ledger_commission=-F("frozen"))
        | Q(paid_at__isnull=True, has_rows=True)
    )
    found = []
    for order in differing.iterator(chunk_size=500):
        common = {
            "shop_id": order.shop_id,
            "shop_name": order.shop.name,
            "order_number": order.number,
            "currency": order.currency,
        }
        if order.paid_at is None and order.has_rows:
            found.append(
                Difference(
                    kind="orphan",
                    reference=order.number,
                    expected=ZERO,
                    actual=order.ledger_total,
                    **common,
                )
            )
            continue
        if order.expected_sale != order.ledger_sale:
            found.append(
                Difference(
                    kind="sale",
                    reference=order.number,
                    expected=order.expected_sale,
                    actual=order.ledger_sale,
                    note=_("no sale row") if order.ledger_sale == 0 else "",
                    **common,
                )
            )
        if order.ledger_refund != -order.refunded:
            found.append(
                Difference(
                    kind="refund",
                    reference=order.number,
                    expected=-order.refunded,
                    actual=order.ledger_refund,
                    **common,
                )
            )
        if order.ledger_commission != -order.frozen:
            found.append(
                Difference(
                    kind="commission",
                    reference=order.number,
                    expected=-order.frozen,
                    actual=order.ledger_commission,
                    **common,
                )
            )
    return found


def _payment_differences(*, shop=None, since=None) -> tuple[list[Difference], int]:
    payments = Payment.objects.all()
    if shop is not None:
        payments = payments.filter(
            pk__in=PaymentAllocation.objects.filter(order__shop=shop).values("payment_id")
        )
    if since is not None:
        payments = payments.filter(created_at__gte=since)
    payments = payments.annotate(
        allocated=_sum(PaymentAllocation.objects.filter(payment_id=OuterRef("pk")), "payment_id"),
        captured=Case(
            When(state=Payment.State.SUCCEEDED, then=F("amount")),
            default=Value(ZERO),
            output_field=MONEY_FIELD,
        ),
        refunds_total=_sum(
            Refund.objects.filter(payment_id=OuterRef("pk")).exclude(state=Refund.State.FAILED),
            "payment_id",
        ),
    )
    differing = payments.filter(
        ~Q(amount=F("allocated"))
        | Q(refunds_total__gt=F("captured"))
        | ~Q(refunded=F("refunds_total"))
    )
    found = []
    for payment in differing.iterator(chunk_size=500):
        common = {
            "shop_id": None,
            "shop_name": "",
            "order_number": "",
            "reference": str(payment),
            "currency": payment.currency,
        }
        if payment.amount != payment.allocated:
            found.append(
                Difference(
                    kind="payment", expected=payment.amount, actual=payment.allocated, **common
                )
            )
        if payment.refunds_total > payment.captured:
            found.append(
                Difference(
                    kind="refund_ceiling",
                    expected=payment.captured,
                    actual=payment.refunds_total,
                    note=_("refunded more than captured"),
                    **common,
                )
            )
        if payment.refunded != payment.refunds_total:
            found.append(
                Difference(
                    kind="refund_total",
                    expected=payment.refunds_total,
                    actual=payment.refunded,
                    **common,
                )
            )
    return found, payments.count()


def _refund_differences(*, shop=None, since=None) -> list[Difference]:
    """Succeeded refunds of a sale without their refund row in the ledger (or another amount)."""
    refunds = (
        Refund.objects.filter(state=Refund.State.SUCCEEDED, order__isnull=False)
        .exclude(reason__in=NOT_A_SALE)
        .annotate(
            booked=_sum(
                LedgerEntry.objects.filter(refund_id=OuterRef("pk"), kind=Kind.REFUND),
                "refund_id",
            )
        )
        .exclude(booked=-F("amount"))
        .select_related("order__shop")
    )
    if shop is not None:
        refunds = refunds.filter(order__shop=shop)
    if since is not None:
        refunds = refunds.filter(created_at__gte=since)
    return [
        Difference(
            kind="refund_unbooked",
            shop_id=refund.order.shop_id,
            shop_name=refund.order.shop.name,
            order_number=refund.order.number,
            reference=f"refund #{refund.pk}",
            expected=-refund.amount,
            actual=refund.booked,
            currency=refund.currency,
            note=_("no refund row in the ledger") if not refund.booked else "",
        )
        for refund in refunds.iterator(chunk_size=500)
    ]


def _reversal_share_differences(transfers) -> list[Difference]:
    """Per transfer not cancelled: its reversals against the shop's share of the refunds."""
    rows = (
        transfers.exclude(state=ShopTransfer.State.CANCELLED)
        .annotate(
            share=-_sum(
                LedgerEntry.objects.filter(order_id=OuterRef("order_id"), refund__isnull=False),
                "order_id",
            ),
            reversed=_sum(
                TransferReversal.objects.filter(transfer_id=OuterRef("pk")), "transfer_id"
            ),
        )
        .annotate(expected_back=Greatest(Value(ZERO), Least(F("share"), F("amount"))))
        .exclude(reversed=F("expected_back"))
        .select_related("shop", "order", "payment")
    )
    return [
        Difference(
            kind="reversal_share",
            shop_id=transfer.shop_id,
            shop_name=transfer.shop.name,
            order_number=transfer.order.number,
            reference=str(transfer.payment),
            expected=transfer.expected_back,
            actual=transfer.reversed,
            currency=transfer.currency,
            note=transfer.provider_ref or f"#{transfer.pk}",
        )
        for transfer in rows.iterator(chunk_size=500)
    ]


def _transfer_differences(*, shop=None, since=None) -> tuple[list[Difference], int]:
    transfers = ShopTransfer.objects.all()
    if shop is not None:
        transfers = transfers.filter(shop=shop)
    if since is not None:
        transfers = transfers.filter(created_at__gte=since)
    booked = transfers.annotate(
        booked=_sum(
            LedgerEntry.objects.filter(transfer_id=OuterRef("pk"), kind=Kind.PAYOUT, amount__lt=0),
            "transfer_id",
        ),
        deducted=_sum(
            TransferReversal.objects.filter(
                transfer_id=OuterRef("pk"), state=TransferReversal.State.NOT_SENT
            ),
            "transfer_id",
        ),
        net=Coalesce(
            Subquery(
                OrderCommission.objects.filter(order_id=OuterRef("order_id")).values("net")[:1]
            ),
            Value(ZERO),
            output_field=MONEY_FIELD,
        ),
    ).select_related("shop", "order")
    expected_row = Q(state=ShopTransfer.State.SENT) & ~Q(booked=-F("amount_sent"))
    unexpected_row = ~Q(state=ShopTransfer.State.SENT) & ~Q(booked=0)
    too_much = Q(state=ShopTransfer.State.SENT) & Q(amount_sent__gt=F("net") - F("deducted"))
    found = []
    for transfer in booked.filter(expected_row | unexpected_row | too_much).iterator(
        chunk_size=500
    ):
        sent = transfer.amount_sent if transfer.state == ShopTransfer.State.SENT else ZERO
        common = {
            "kind": "transfer",
            "shop_id": transfer.shop_id,
            "shop_name": transfer.shop.name,
            "order_number": transfer.order.number,
            "reference": transfer.provider_ref or f"#{transfer.pk}",
            "currency": transfer.currency,
        }
        if -transfer.booked != sent:
            found.append(Difference(expected=-sent, actual=transfer.booked, **common))
        if sent and sent > transfer.net - transfer.deducted:
            found.append(
                Difference(
                    expected=transfer.net - transfer.deducted,
                    actual=sent,
                    note=_("sent more than the order's net"),
                    **common,
                )
            )
    reversals = TransferReversal.objects.filter(transfer__in=transfers.values("pk")).annotate(
        booked=Coalesce(
            Subquery(
                LedgerEntry.objects.filter(
                    transfer_id=OuterRef("transfer_id"),
                    source=_reversal_source(OuterRef("pk")),
                ).values("amount")[:1],
                output_field=MONEY_FIELD,
            ),
            Value(ZERO),
            output_field=MONEY_FIELD,
        )
    )
    for reversal in reversals.select_related("transfer__shop", "transfer__order").filter(
        (Q(state=TransferReversal.State.SENT) & ~Q(booked=F("amount")))
        | (~Q(state=TransferReversal.State.SENT) & ~Q(booked=0))
    ):
        expected = reversal.amount if reversal.state == TransferReversal.State.SENT else ZERO
        found.append(
            Difference(
                kind="reversal",
                shop_id=reversal.shop_id,
                shop_name=reversal.transfer.shop.name,
                order_number=reversal.transfer.order.number,
                reference=reversal.provider_ref or f"#{reversal.pk}",
                expected=expected,
                actual=reversal.booked,
                currency=reversal.transfer.currency,
            )
        )
    found.extend(_reversal_share_differences(transfers))
    return found, transfers.count()


def held_transfers(*, shop=None):
    transfers = ShopTransfer.objects.filter(
        state__in=[ShopTransfer.State.HELD, ShopTransfer.State.FAILED]
    ).select_related("shop", "order")
    if shop is not None:
        transfers = transfers.filter(shop=shop)
    return transfers.order_by("created_at", "id")


def reconcile(*, shop=None, since=None) -> Report:
    """See the module docstring."""
    from django.utils import timezone

    orders = _order_rows(shop=shop, since=since)
    report = Report(generated_at=timezone.now())
    report.differences.extend(_order_differences(orders))
    report.orders_checked = orders.count()
    payment_differences, report.payments_checked = _payment_differences(shop=shop, since=since)
    report.differences.extend(payment_differences)
    report.differences.extend(_refund_differences(shop=shop, since=since))
    transfer_differences, report.transfers_checked = _transfer_differences(shop=shop, since=since)
    report.differences.extend(transfer_differences)
    report.held = list(held_transfers(shop=shop)[:500])
    return report
