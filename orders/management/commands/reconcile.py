"""`manage.py reconcile`: the shops' ledgers against the payment records (payments, refunds,
transfers), and per payment what it captured against what was refunded and what was taken back
from the shops' transfers (refunds above the capture, succeeded refunds without their ledger row,
reversals that differ from the shop's share of the refunds), printing every difference and the
transfers held for shops without a Stripe account (orders.finance.services.reconciliation).

    manage.py reconcile                       # everything
    manage.py reconcile --shop shop-a         # one shop (by slug)
    manage.py reconcile --since 2026-11-01    # orders, payments and transfers since that day
    manage.py reconcile --repair              # first post missing rows (failed event handlers)
    manage.py reconcile --fail-on-difference  # exit status 1 when anything differs (for cron)
"""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from orders.finance.services import ledger
from orders.finance.services.reconciliation import reconcile


class Command(BaseCommand):
    help = "Reconcile the shops' ledgers against payments, refunds and transfers."

    def add_arguments(self, parser):
        parser.add_argument("--shop", help="Only this shop (its slug).")
        parser.add_argument("--since", help="Only records since this day (YYYY-MM-DD).")
        parser.add_argument(
            "--repair",
            action="store_true",
            help="First post the ledger rows that event handlers failed to post.",
        )
        parser.add_argument(
            "--fail-on-difference",
            action="store_true",
            help="Exit with status 1 when a difference is found.",
        )

    def handle(self, *args, **options):
        from shops.models import Shop

        shop = None
        if options["shop"]:
            shop = Shop.objects.filter(slug=options["shop"]).first()
            if shop is None:
                raise CommandError(f"No shop with the slug {options['shop']!r}.")
        since = None
        if options["since"]:
            try:
                day = datetime.strptime(options["since"], "%Y-%m-%d").date()  # noqa: DTZ007
            except ValueError as error:
                raise CommandError("--since takes a day: YYYY-MM-DD.") from error
            since = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        if options["repair"]:
            posted = ledger.repost_missing()
            self.stdout.write(f"Repaired: {posted} order(s) or refund(s) posted.")
        report = reconcile(shop=shop, since=since)
        self.stdout.write(
            f"Checked {report.orders_checked} order(s), {report.payments_checked} payment(s), "
            f"{report.transfers_checked} transfer(s)."
        )
        for difference in report.differences:
            self.stdout.write(
                "DIFFERENCE "
                + " | ".join(
                    [
                        difference.kind,
                        difference.shop_name or "-",
                        difference.order_number or "-",
                        difference.reference,
                        f"expected {difference.expected} {difference.currency}",
                        f"ledger {difference.actual} {difference.currency}",
                        difference.note or "",
                    ]
                ).rstrip(" |")
            )
        for transfer in report.held:
            self.stdout.write(
                f"HELD {transfer.get_state_display()} | {transfer.shop.name} | "
                f"{transfer.order.number} | {transfer.amount} {transfer.currency} | "
                f"{transfer.failure_reason}"
            )
        if report.ok:
            self.stdout.write(self.style.SUCCESS("No differences."))
        else:
            self.stdout.write(self.style.ERROR(f"{len(report.differences)} difference(s)."))
            if options["fail_on_difference"]:
                raise SystemExit(1)
