"""The seller's finance section in a real browser (issue 6, item 6): a shop paid through Stripe
(the local stand-in of Stripe's API, signed webhooks) without a connected account sees its balance
(available from a completed order, pending from an open one), the transfer held for it, the
ledger with filters, and last month's settlement statement. Screenshots for a human to look at.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.finance.services import settlement
from orders.models import LedgerEntry, Order, Payment, ShopTransfer
from orders.services.lifecycle import complete_order, mark_delivered, record_shipment
from orders.services.payments import receive_payment_event
from tests.factories.accounts import PASSWORD, AddressFactory, UserFactory
from tests.factories.orders import live_sku, order_category, place
from tests.factories.shops import MembershipFactory, ShopFactory
from tests.orders.stripe_standin import StripeStandIn, sign

pytestmark = [pytest.mark.e2e]
SECRET = "whsec_e2e_finance"


@pytest.fixture
def standin(settings):
    standin = StripeStandIn().start()
    settings.STRIPE_SECRET_KEY = "sk_test_e2e"
    settings.STRIPE_PUBLISHABLE_KEY = ""  # no Stripe.js on these pages: CSP stays as it is
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.STRIPE_API_BASE = standin.url
    settings.PAYMENT_PROVIDER = "stripe"
    yield standin
    standin.stop()


def pay_with_stripe(standin, payment: Payment):
    body = standin.event("payment_intent.succeeded", standin.succeed(payment.provider_ref))
    receive_payment_event("stripe", body, {"Stripe-Signature": sign(body, SECRET)})


def sign_in(page, email, password=PASSWORD):
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.get_by_label("E-mail address").fill(email)
    form.get_by_label("Password").fill(password)
    with page.expect_navigation():
        form.get_by_role("button", name="Sign in").click()


@pytest.fixture
def world(db, standin, media_root, reference_data):
    shop = ShopFactory(name="Jade Tea House", slug="jade-tea-house")
    owner = MembershipFactory(shop=shop, role="owner").user
    category = order_category(commission_rate="5.00")
    cup = live_sku(shop, price="88.00", stock=50, category=category, title="Celadon tea cup")
    pot = live_sku(shop, price="268.00", stock=10, category=category, title="Yixing clay teapot")
    buyer = UserFactory(email="zhang.min@example.com")
    AddressFactory(user=buyer, is_default=True, recipient="张敏", detail="世纪大道 100 号")

    first = place(buyer, (cup, 2), (pot, 1))
    pay_with_stripe(standin, Payment.objects.get(pk=first.payment.pk))
    completed = Order.objects.get(pk=first.orders[0].pk)
    record_shipment(completed, shop=shop, actor=owner)
    mark_delivered(completed)
    Order.objects.filter(pk=completed.pk).update(
        complete_after=timezone.now() - timedelta(minutes=1)
    )
    complete_order(completed)
    second = place(buyer, (cup, 1))
    pay_with_stripe(standin, Payment.objects.get(pk=second.payment.pk))

    # Last month: a few rows and its statement.
    start, end = settlement.statement_period(timezone.localdate().replace(day=1) - timedelta(1))
    when = datetime.combine(start, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    for offset, kind, amount, memo in (
        (2, "sale", "356.00", ""),
        (2, "commission", "-17.80", ""),
        (9, "adjustment", "20.00", "Compensation for a lost parcel"),
        (20, "payout", "-300.00", "Payout ICBC-20261020"),
    ):
        moment = when + timedelta(days=offset, hours=10)
        LedgerEntry.objects.create(
            shop=shop,
            kind=kind,
            amount=Decimal(amount),
            currency="CNY",
            source=f"e2e:{kind}:{offset}",
            order_number="26100300000007" if kind in ("sale", "commission") else "",
            memo=memo,
            created_at=moment,
            available_at=moment,
        )
    statement = settlement.generate_statement(shop=shop, currency="CNY", start=start, end=end)
    return {"shop": shop, "owner": owner, "statement": statement}


def test_the_seller_sees_balance_ledger_and_statements(page, mobile_page, world, screenshot):
    shop = world["shop"]
    assert ShopTransfer.objects.filter(shop=shop, state="held").count() == 2

    sign_in(page, world["owner"].email)
    page.goto("/seller/")
    page.get_by_role("navigation", name="Seller center sections").get_by_role(
        "link", name="Finance"
    ).click()
    expect(page.get_by_role("heading", name="Finance", exact=True)).to_be_visible()
    balance = page.locator(".balance-stats")
    expect(balance.get_by_text("Available", exact=True)).to_be_visible()
    expect(balance.get_by_text("Pending", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Transfers waiting for you")).to_be_visible()
    expect(page.get_by_role("button", name="Connect with Stripe")).to_be_visible()
    screenshot(page, "finance-overview")

    page.get_by_role("navigation", name="Finance pages").get_by_role("link", name="Ledger").click()
    expect(page.get_by_role("heading", name="Ledger", exact=True)).to_be_visible()
    page.get_by_label("Kind").select_option("commission")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    rows = page.locator(".ledger-table tbody tr")
    expect(rows).to_have_count(3)  # two orders this month, one last month
    screenshot(page, "finance-ledger-commission")

    page.get_by_label("From").fill("2026-11-10")
    page.get_by_label("Until").fill("2026-11-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("The end date is before the start date.")).to_be_visible()

    page.get_by_role("navigation", name="Finance pages").get_by_role(
        "link", name="Statements"
    ).click()
    statement = world["statement"]
    page.get_by_role("link", name=f"{statement.period_start:%Y-%m-%d}").click()
    expect(page.get_by_text("Compensation for a lost parcel")).to_be_visible()
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()
    screenshot(page, "finance-statement")

    sign_in(mobile_page, world["owner"].email)
    mobile_page.goto("/seller/finance/")
    expect(mobile_page.get_by_role("heading", name="Finance", exact=True)).to_be_visible()
    screenshot(mobile_page, "finance-overview-mobile")
