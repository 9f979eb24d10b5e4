"""Platform staff in Django admin: ledgers read-only, statements, transfers, payouts recorded
through the service (refusals shown on the field), adjustments, the reconciliation report."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import LedgerEntry, Payout, ShopTransfer
from tests.factories.orders import pay, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_checkout(buyer, cup, bowl, run_on_commit):
    placement = place(buyer, (cup, 1), (bowl, 2))
    with run_on_commit():
        pay(placement.payment)
    return placement


def test_the_finance_admin_pages_open(admin_client, paid_checkout, shop):
    LedgerEntry.objects.create(
        shop=shop,
        kind="adjustment",
        amount=Decimal("1.00"),
        currency="CNY",
        source="x",
        available_at=timezone.now(),
    )
    for name in (
        "orders_ledgerentry_changelist",
        "orders_statement_changelist",
        "orders_ordercommission_changelist",
        "orders_shoptransfer_changelist",
        "orders_payout_changelist",
        "orders_ledgerentry_reconciliation",
        "orders_ledgerentry_adjustment",
        "orders_payout_record",
    ):
        response = admin_client.get(reverse(f"admin:{name}"))
        assert response.status_code == 200, name
    listing = admin_client.get(reverse("admin:orders_ledgerentry_changelist") + "?balance=pending")
    assert listing.status_code == 200
    assert "Reconciliation report" in listing.content.decode()


def test_the_ledger_cannot_be_edited_in_admin(admin_client, paid_checkout):
    entry = LedgerEntry.objects.first()
    assert admin_client.get(reverse("admin:orders_ledgerentry_add")).status_code == 403
    change = admin_client.post(
        reverse("admin:orders_ledgerentry_change", args=[entry.pk]), {"amount": "1.00"}
    )
    assert change.status_code in (302, 403)
    delete = admin_client.post(
        reverse("admin:orders_ledgerentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert LedgerEntry.objects.get(pk=entry.pk).amount == entry.amount


def test_the_reconciliation_page_is_clean_then_lists_a_difference(admin_client, paid_checkout):
    clean = admin_client.get(reverse("admin:orders_ledgerentry_reconciliation"))
    assert "No differences" in clean.content.decode()

    order = paid_checkout.orders[0]
    LedgerEntry.objects.create(
        shop_id=order.shop_id,
        kind="sale",
        amount=Decimal("0.01"),
        currency="CNY",
        source="stray",
        order=order,
        order_number=order.number,
    )
    page = admin_client.get(reverse("admin:orders_ledgerentry_reconciliation"))
    body = page.content.decode()
    assert "1 difference" in body and order.number in body
    assert (
        admin_client.get(
            reverse("admin:orders_ledgerentry_reconciliation") + "?shop=nobody"
        ).status_code
        == 200
    )


def test_a_payout_is_recorded_through_the_service(admin_client, shop, paid_checkout):
    LedgerEntry.objects.create(
        shop=shop,
        kind="adjustment",
        amount=Decimal("50.00"),
        currency="CNY",
        source="avail",
        available_at=timezone.now(),
    )
    url = reverse("admin:orders_payout_record")
    too_much = admin_client.post(
        url, {"shop": shop.pk, "amount": "80.00", "currency": "CNY", "reference": "B-1"}
    )
    assert too_much.status_code == 200
    assert "Only 50.00 CNY is available" in too_much.content.decode()
    assert not Payout.objects.exists()

    done = admin_client.post(
        url, {"shop": shop.pk, "amount": "50.00", "currency": "CNY", "reference": "B-1"}
    )
    assert done.status_code == 302
    payout = Payout.objects.get()
    assert LedgerEntry.objects.get(payout=payout).amount == Decimal("-50.00")


def test_an_adjustment_is_posted_through_the_service(admin_client, shop):
    url = reverse("admin:orders_ledgerentry_adjustment")
    bad = admin_client.post(
        url, {"shop": shop.pk, "amount": "0", "currency": "CNY", "reference": "t1", "note": "x"}
    )
    assert bad.status_code == 200 and not LedgerEntry.objects.exists()
    admin_client.post(
        url,
        {"shop": shop.pk, "amount": "-3.50", "currency": "CNY", "reference": "t1", "note": "Fee"},
    )
    assert LedgerEntry.objects.get().amount == Decimal("-3.50")


def test_staff_without_finance_permissions_cannot_record_payouts(client, shop, django_user_model):
    staff = django_user_model.objects.create_user(
        email="viewer@example.com", password="x-Very-long-1", is_staff=True
    )
    client.force_login(staff)
    assert client.get(reverse("admin:orders_payout_record")).status_code == 403
    assert client.get(reverse("admin:orders_ledgerentry_reconciliation")).status_code == 403


def test_held_transfers_can_be_sent_again(admin_client, shop, paid_checkout):
    order = paid_checkout.orders[0]
    transfer = ShopTransfer.objects.create(
        shop_id=order.shop_id,
        order=order,
        payment_id=paid_checkout.payment.pk,
        amount=Decimal("1.00"),
        currency="CNY",
        transfer_group="g",
        state=ShopTransfer.State.HELD,
    )
    response = admin_client.post(
        reverse("admin:orders_shoptransfer_changelist"),
        {"action": "send_again", "_selected_action": [transfer.pk]},
    )
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.state == ShopTransfer.State.HELD  # still no Stripe account: held, not lost
