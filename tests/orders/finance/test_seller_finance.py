"""The seller's finance section: balance, ledger with filters (a constant number of queries),
statements with a streamed CSV, Stripe Connect onboarding, the seller API; roles and tenancy."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from orders.finance.services import ledger, settlement
from orders.models import LedgerEntry
from shops.roles import Role
from tests.factories.orders import pay, place
from tests.factories.shops import MembershipFactory

pytestmark = pytest.mark.django_db
Kind = LedgerEntry.Kind


def book(shop, kind, amount, *, when=None, number="", memo="", available=True, source=None):
    when = when or timezone.now()
    return LedgerEntry.objects.create(
        shop=shop,
        kind=kind,
        amount=Decimal(amount),
        currency="CNY",
        source=source or f"test:{LedgerEntry.objects.count()}",
        order_number=number,
        memo=memo,
        created_at=when,
        available_at=when if available else None,
    )


def last_month(shop):
    start, end = settlement.statement_period(timezone.localdate().replace(day=1) - timedelta(1))
    when = timezone.make_aware(datetime.combine(start, datetime.min.time())) + timedelta(hours=9)
    book(shop, Kind.SALE, "300.00", when=when, number="26100100000001")
    book(shop, Kind.COMMISSION, "-15.00", when=when, number="26100100000001")
    book(shop, Kind.ADJUSTMENT, "-2.00", when=when, memo="=HYPERLINK(evil)")
    return settlement.generate_statement(shop=shop, currency="CNY", start=start, end=end)


@pytest.fixture
def private_cache(settings):
    """A cache of this process only: a shared Redis that another test run clears meanwhile would
    turn cached menus into extra queries and make query counts flaky."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "q"}
    }


@pytest.fixture
def finance_client(shop):
    """A member of shop A with the finance role."""
    member = MembershipFactory(shop=shop, role=Role.FINANCE).user
    client = Client()
    client.force_login(member)
    return client


# --- Pages ---------------------------------------------------------------------------------------
def test_the_finance_page_shows_pending_and_available(
    seller_client, shop, buyer, cup, run_on_commit
):
    with run_on_commit():
        pay(place(buyer, (cup, 1)).payment)
    book(shop, Kind.ADJUSTMENT, "12.50", memo="Compensation")

    page = seller_client.get(reverse("seller:finance"))

    body = page.content.decode()
    assert page.status_code == 200
    [balance] = ledger.balances(shop)
    assert f"¥{balance.pending}" in body and "¥12.50" in body
    assert "Compensation" in body
    assert 'href="/seller/finance/"' in body  # in the menu
    assert "Connect with Stripe" not in body  # no Stripe keys on this platform


def test_the_finance_section_is_refused_to_roles_without_it(shop, client):
    editor = MembershipFactory(shop=shop, role=Role.PRODUCT_EDITOR).user
    client.force_login(editor)

    assert client.get(reverse("seller:finance")).status_code == 403
    assert client.get(reverse("seller:finance-ledger")).status_code == 403
    assert 'href="/seller/finance/"' not in client.get(reverse("seller:dashboard")).content.decode()


def test_the_finance_role_sees_it(finance_client):
    assert finance_client.get(reverse("seller:finance")).status_code == 200


def test_the_ledger_filters(seller_client, shop):
    book(shop, Kind.SALE, "100.00", number="26110100000001")
    book(shop, Kind.COMMISSION, "-5.00", number="26110100000001", available=False)
    book(shop, Kind.SALE, "40.00", number="26110100000002", when=timezone.now() - timedelta(10))

    def shown(**query):
        page = seller_client.get(reverse("seller:finance-ledger"), query)
        assert page.status_code == 200
        return [e.amount for e in page.context["page"]]

    assert shown() == [Decimal("-5.00"), Decimal("100.00"), Decimal("40.00")]  # newest first
    assert shown(kind="sale") == [Decimal("100.00"), Decimal("40.00")]
    assert shown(state="pending") == [Decimal("-5.00")]
    assert shown(order="26110100000002") == [Decimal("40.00")]
    today = timezone.localdate().isoformat()
    assert shown(booked_from=today) == [Decimal("-5.00"), Decimal("100.00")]


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "bogus"},
        {"booked_from": "not-a-date"},
        {"booked_from": "2026-11-10", "booked_to": "2026-11-01"},
        {"page": "999"},
        {"page": "x"},
        {"order": "x" * 500},
    ],
)
def test_bad_filters_are_explained_never_a_500(seller_client, shop, query):
    book(shop, Kind.SALE, "1.00")
    page = seller_client.get(reverse("seller:finance-ledger"), query)
    assert page.status_code == 200


def test_the_ledger_page_takes_a_constant_number_of_queries(
    seller_client, shop, django_assert_max_num_queries, private_cache
):
    for i in range(3):
        book(shop, Kind.SALE, "1.00", number=f"2611010000{i:04d}")
    seller_client.get(reverse("seller:finance-ledger"))  # warm: session, caches
    with django_assert_max_num_queries(20) as few:
        seller_client.get(reverse("seller:finance-ledger"))
    for i in range(3, 60):
        book(shop, Kind.SALE, "1.00", number=f"2611010000{i:04d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = seller_client.get(reverse("seller:finance-ledger"))
    assert len(page.context["page"]) == 50


def test_the_overview_takes_a_constant_number_of_queries(
    seller_client, shop, django_assert_max_num_queries, private_cache
):
    book(shop, Kind.SALE, "1.00")
    seller_client.get(reverse("seller:finance"))  # warm: session, caches
    with django_assert_max_num_queries(25) as few:
        seller_client.get(reverse("seller:finance"))
    for i in range(30):
        book(shop, Kind.SALE, "1.00", number=f"2611010000{i:04d}")
    last_month(shop)
    with django_assert_max_num_queries(len(few.captured_queries)):
        seller_client.get(reverse("seller:finance"))


def test_statements_list_detail_and_csv(seller_client, shop):
    statement = last_month(shop)

    listing = seller_client.get(reverse("seller:finance-statements"))
    detail = seller_client.get(reverse("seller:finance-statement", args=[statement.pk]))
    download = seller_client.get(reverse("seller:finance-statement-csv", args=[statement.pk]))

    assert listing.status_code == detail.status_code == download.status_code == 200
    assert "¥283.00" in listing.content.decode()
    assert "26100100000001" in detail.content.decode()
    assert download.streaming and download["Content-Type"].startswith("text/csv")
    text = b"".join(download.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "Booked at"
    amounts = [row[4] for row in rows[1:4]]
    assert amounts == ["300.00", "-15.00", "-2.00"]
    assert rows[3][3] == "'=HYPERLINK(evil)"  # not a formula in a spreadsheet
    assert rows[-1][:5] == ["Closing balance", "", "", "", "283.00"]


def test_another_shops_statement_is_a_404(other_seller_client, shop):
    statement = last_month(shop)
    for name in ("seller:finance-statement", "seller:finance-statement-csv"):
        assert other_seller_client.get(reverse(name, args=[statement.pk])).status_code == 404
    assert other_seller_client.get("/seller/finance/statements/99999999/").status_code == 404


# --- Stripe Connect onboarding --------------------------------------------------------------------
def test_onboarding_sends_the_seller_to_stripe_and_back(seller_client, shop, stripe_standin):
    page = seller_client.get(reverse("seller:finance"))
    assert "Connect with Stripe" in page.content.decode()

    response = seller_client.post(reverse("seller:finance-stripe-connect"))

    assert response.status_code == 302
    assert response["Location"].startswith("https://connect.stripe.com/setup/")
    shop.refresh_from_db()
    assert shop.stripe_account_id.startswith("acct_")
    [link] = stripe_standin.posts_to("/v1/account_links")
    assert link.params["return_url"].endswith(reverse("seller:finance-stripe-return"))
    assert link.params["type"] == "account_onboarding"

    back = seller_client.get(reverse("seller:finance-stripe-return"), follow=True)
    assert "Your Stripe account is connected" in back.content.decode()

    # Onboarding again reuses the account.
    seller_client.post(reverse("seller:finance-stripe-connect"))
    assert len(stripe_standin.posts_to("/v1/accounts")) == 1


def test_onboarding_when_stripe_fails_is_a_message_not_a_500(seller_client, shop, stripe_standin):
    stripe_standin.fail("POST", "/v1/accounts", status=500)
    stripe_standin.fail("POST", "/v1/accounts", status=500)
    stripe_standin.fail("POST", "/v1/accounts", status=500)

    response = seller_client.post(reverse("seller:finance-stripe-connect"), follow=True)

    assert response.status_code == 200
    assert "Stripe could not be reached" in response.content.decode()
    shop.refresh_from_db()
    assert shop.stripe_account_id == ""


def test_onboarding_without_stripe_keys_is_refused(seller_client, shop, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = seller_client.post(reverse("seller:finance-stripe-connect"), follow=True)
    assert "not available" in response.content.decode()
    assert seller_client.get(reverse("seller:finance-stripe-connect")).status_code == 405


# --- API ------------------------------------------------------------------------------------------
@pytest.fixture
def seller_api(shop):
    client = APIClient()
    client.force_authenticate(shop.owner)
    return client


def test_the_seller_api_lists_the_ledger_balance_and_statements(seller_api, shop, other_shop):
    book(shop, Kind.SALE, "100.00", number="26110100000001")
    book(shop, Kind.COMMISSION, "-5.00", number="26110100000001", available=False)
    book(other_shop, Kind.SALE, "999.00")
    statement = last_month(shop)

    entries = seller_api.get("/api/v1/seller/finance/ledger/").json()
    pending = seller_api.get("/api/v1/seller/finance/ledger/?state=pending").json()
    balance = seller_api.get("/api/v1/seller/finance/balance/").json()
    statements = seller_api.get("/api/v1/seller/finance/statements/").json()
    one = seller_api.get(f"/api/v1/seller/finance/statements/{statement.pk}/").json()

    assert entries["count"] == 5
    assert "999.00" not in str(entries)
    assert [e["amount"] for e in pending["results"]] == ["-5.00"]
    assert balance == [
        {"currency": "CNY", "pending": "-5.00", "available": "383.00", "total": "378.00"}
    ]
    assert statements["count"] == 1 and one["closing_balance"] == "283.00"


def test_the_ledger_api_is_read_only_and_scoped(seller_api, shop, other_shop):
    mine = book(shop, Kind.SALE, "1.00")
    theirs = book(other_shop, Kind.SALE, "2.00")

    assert seller_api.get(f"/api/v1/seller/finance/ledger/{theirs.pk}/").status_code == 404
    assert seller_api.post("/api/v1/seller/finance/ledger/", {}).status_code == 405
    assert seller_api.delete(f"/api/v1/seller/finance/ledger/{mine.pk}/").status_code == 405
    assert seller_api.get("/api/v1/seller/finance/ledger/?booked_from=nope").status_code == 400


def test_the_ledger_api_refuses_roles_without_finance(shop):
    editor = MembershipFactory(shop=shop, role=Role.PRODUCT_EDITOR).user
    client = APIClient()
    client.force_authenticate(editor)
    assert client.get("/api/v1/seller/finance/ledger/").status_code == 403
    assert client.get("/api/v1/seller/finance/balance/").status_code == 403


def test_the_ledger_api_takes_a_constant_number_of_queries(
    seller_api, shop, django_assert_max_num_queries, private_cache
):
    book(shop, Kind.SALE, "1.00")
    seller_api.get("/api/v1/seller/finance/ledger/")  # warm
    with django_assert_max_num_queries(10) as few:
        seller_api.get("/api/v1/seller/finance/ledger/")
    for _ in range(40):
        book(shop, Kind.SALE, "1.00")
    with django_assert_max_num_queries(len(few.captured_queries)):
        seller_api.get("/api/v1/seller/finance/ledger/")
