"""Checkout throughput on this machine: how many "Place order and pay" submits per second.

    DATABASE_URL=postgres://… REDIS_URL=redis://… python -m tests.bench.checkout

Loopback only and bounded (BENCH_CHECKOUTS submits, 30 s timeout per request):

1. a fresh database next to DATABASE_URL's (`<name>_bench`, dropped at the end unless
   BENCH_KEEP_DB=1), migrated; 2 shops × 50 live products (plenty of stock), BENCH_CHECKOUTS
   buyers, each signed in (a session), with an address and a cart of two products from the two
   shops (so every submit creates two orders, two stock reservations and one payment);
2. gunicorn (2 sync workers, as `make bench`) on 127.0.0.1 with Celery eager;
3. every buyer opens the review page (step 2) first; then the submits are fired from
   BENCH_CLIENTS concurrent clients and timed: that is the checkout figure (requests/s, p50,
   p95); then the same for the test-mode payment confirmations (a signed provider event each,
   verified and applied by the same handler as a webhook).
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from tests.bench.run import (
    BASE_DIR,
    WORKERS,
    bench_database_url,
    drop_database,
    free_port,
    recreate_database,
    start_gunicorn,
    stop,
    wait_until_up,
)

CHECKOUTS = int(os.environ.get("BENCH_CHECKOUTS", "200"))
# DESIGN §9: ≥ 60 two-shop submits/s (≥ 120 shop orders/s) in ≤ 20 queries, and ≥ 60 payment
# confirmations/s in ≤ 25 queries, with 2 gunicorn sync workers on this 2-core machine.
BUDGET_SUBMITS = 60.0
BUDGET_SHOP_ORDERS = 120.0
BUDGET_SUBMIT_QUERIES = 20
BUDGET_CONFIRMATIONS = 60.0
BUDGET_CONFIRMATION_QUERIES = 25
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
TIMEOUT = 30
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_FIELD = re.compile(r'name="token" value="([^"]+)"')
TOTAL_FIELD = re.compile(r'name="expected_total" value="([^"]+)"')


def log(message: str) -> None:
    print(f"[bench checkout] {message}", flush=True)


def checkout_env(database_url: str) -> dict:
    """The environment of a checkout bench (or profile) on `database_url`: Celery eager, e-mails
    kept in memory, the offline payment provider, no login lock-outs."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PAYMENT_PROVIDER": "offline",
        "AXES_ENABLED": "false",
    }


def seed(count: int):
    """Shops, products and signed-in buyers with full carts; returns (session key, buyer id)s."""
    from decimal import Decimal

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.utils import timezone

    from catalog.models import Product, Sku
    from catalog.services import refresh_listings
    from marketplace.accounts.models import Address, User
    from orders.models import Cart, CartLine
    from orders.views.storefront import CHECKOUT_ADDRESS
    from tests.factories.catalog import make_category, make_product, sku
    from tests.factories.shops import MembershipFactory, ShopFactory

    home = make_category("Home", name_zh="家居")
    category = make_category("Tea ware", name_zh="茶具", parent=home)
    shops, skus_by_shop = [], []
    for index in range(2):
        shop = ShopFactory(name=f"Bench Shop {index}", slug=f"bench-shop-{index}")
        MembershipFactory(shop=shop)
        shops.append(shop)
        skus = []
        for number in range(50):
            product = make_product(
                shop,
                category,
                actor=None,
                title=f"Bench teacup {index}-{number}",
                attributes={},
                description="<p>For the benchmark.</p>",
                search_keywords="bench",
                skus=[sku(f"B{index}-{number}", "39.90", stock=100_000)],
            )
            skus.append(product.skus.get())
        skus_by_shop.append(skus)
    Product.objects.update(state=Product.State.LIVE, published_at=timezone.now())
    refresh_listings(list(Product.objects.values_list("pk", flat=True)))

    password = "!unusable"  # noqa: S105 - buyers sign in by session, never by password
    users = User.objects.bulk_create(
        User(
            email=f"bench-buyer-{n}@example.com",
            display_name=f"Buyer {n}",
            email_verified_at=timezone.now(),
            password=password,
        )
        for n in range(count)
    )
    addresses = Address.objects.bulk_create(
        Address(
            user=user,
            recipient="张敏",
            phone="13800138000",
            province="浙江省",
            city="杭州市",
            district="西湖区",
            detail=f"文三路 {n} 号",
            is_default=True,
        )
        for n, user in enumerate(users)
    )
    carts = Cart.objects.bulk_create(Cart(user=user) for user in users)
    lines = []
    for n, cart in enumerate(carts):
        for skus in skus_by_shop:
            item: Sku = skus[n % len(skus)]
            lines.append(
                CartLine(cart=cart, sku=item, quantity=1 + n % 2, added_price=Decimal("39.90"))
            )
    CartLine.objects.bulk_create(lines)
    sessions = []
    for user, address in zip(users, addresses, strict=True):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[CHECKOUT_ADDRESS] = address.pk
        store.create()
        sessions.append(store.session_key)
    return sessions


def timed(session, method, url, **kwargs):
    started = time.perf_counter()
    response = session.request(method, url, timeout=TIMEOUT, allow_redirects=False, **kwargs)
    return response, time.perf_counter() - started


def server_side(response) -> tuple[float, int]:
    """(server time in ms, SQL queries) from tests.bench.middleware's headers."""
    return (
        float(response.headers.get("X-Bench-Time-Ms", "nan")),
        int(response.headers.get("X-Bench-Queries", "-1")),
    )


def report(label: str, results: list[tuple], seconds: float, failures: int) -> dict:
    """`results`: (client seconds, server ms, queries) of the successful requests. Returns the
    figures (rate, server p50, queries) for the summary against the budgets."""
    durations = sorted(r[0] for r in results)
    p50 = statistics.median(durations) * 1000 if durations else 0
    p95 = durations[int(len(durations) * 0.95) - 1] * 1000 if durations else 0
    server = statistics.median(r[1] for r in results) if results else 0
    queries = statistics.median(r[2] for r in results) if results else 0
    log(
        f"{label}: {len(durations)} in {seconds:.2f} s = {len(durations) / seconds:.1f} requests/s "
        f"with {CLIENTS} clients (client p50 {p50:.0f} ms, p95 {p95:.0f} ms; server p50 "
        f"{server:.0f} ms, {queries:.0f} queries), {failures} failed"
    )
    return {
        "rate": len(durations) / seconds if seconds else 0.0,
        "server_p50": server,
        "queries": max((r[2] for r in results), default=0),
        "queries_p50": queries,
    }


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER BUDGET"


def summary(submits: dict, payments: dict) -> bool:
    """The checkout figures against DESIGN §9's budgets, one line each; True when all are met."""
    rows = [
        (
            "submits/s (two shops)",
            f"{submits['rate']:.1f}",
            f"≥ {BUDGET_SUBMITS:g}",
            submits["rate"] >= BUDGET_SUBMITS,
        ),
        (
            "shop orders/s",
            f"{2 * submits['rate']:.1f}",
            f"≥ {BUDGET_SHOP_ORDERS:g}",
            2 * submits["rate"] >= BUDGET_SHOP_ORDERS,
        ),
        ("submit server p50", f"{submits['server_p50']:.1f} ms", "—", True),
        (
            "queries per submit (max)",
            f"{submits['queries']}",
            f"≤ {BUDGET_SUBMIT_QUERIES}",
            submits["queries"] <= BUDGET_SUBMIT_QUERIES,
        ),
        (
            "confirmations/s",
            f"{payments['rate']:.1f}",
            f"≥ {BUDGET_CONFIRMATIONS:g}",
            payments["rate"] >= BUDGET_CONFIRMATIONS,
        ),
        ("confirmation server p50", f"{payments['server_p50']:.1f} ms", "—", True),
        (
            "queries per confirmation (max)",
            f"{payments['queries']}",
            f"≤ {BUDGET_CONFIRMATION_QUERIES}",
            payments["queries"] <= BUDGET_CONFIRMATION_QUERIES,
        ),
    ]
    log("against the budgets (DESIGN §9):")
    for label, value, budget, ok in rows:
        log(f"  {label:<32} {value:>10}   budget {budget:<6} {verdict(ok)}")
    return all(ok for *_rest, ok in rows)


def main() -> int:
    import requests

    original = os.environ.get("DATABASE_URL")
    if not original:
        log("DATABASE_URL is not set")
        return 2
    url, name = bench_database_url(original)
    env = checkout_env(url)
    env.setdefault("CONN_MAX_AGE", "600")
    os.environ.update(env)
    log(f"database {name}")
    recreate_database(original, name)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    import django

    django.setup()
    from django.db import connection

    started = time.perf_counter()
    sessions = seed(CHECKOUTS)
    connection.close()
    seconds = time.perf_counter() - started
    log(f"seeded 2 shops × 50 products and {CHECKOUTS} buyers in {seconds:.1f} s")

    port = free_port()
    server = start_gunicorn(port, env)
    base = f"http://127.0.0.1:{port}"
    failed = False
    try:
        wait_until_up(port, server)
        log(
            f"gunicorn: {WORKERS} sync workers on 127.0.0.1:{port}, Celery eager; load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )

        clients = []
        for key in sessions:
            client = requests.Session()
            client.cookies.set("sessionid", key, domain="127.0.0.1")
            clients.append(client)

        def review(client):
            response, _seconds = timed(client, "GET", f"{base}/checkout/review/")
            page = response.text
            return {
                "csrfmiddlewaretoken": CSRF_FIELD.search(page).group(1),
                "token": TOKEN_FIELD.search(page).group(1),
                "expected_total": TOTAL_FIELD.search(page).group(1),
                "place": "1",
            }

        with ThreadPoolExecutor(CLIENTS) as pool:
            forms = list(pool.map(review, clients))
        log(f"{len(forms)} review pages opened (step 2)")

        def submit(pair):
            client, form = pair
            response, seconds = timed(
                client,
                "POST",
                f"{base}/checkout/review/",
                data=form,
                headers={"Referer": f"{base}/checkout/review/"},
            )
            ok = response.status_code == 302 and "/pay/test/" in response.headers.get(
                "Location", ""
            )
            return ok, (seconds, *server_side(response)), response.headers.get("Location", "")

        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            submits = list(pool.map(submit, zip(clients, forms, strict=True)))
        submit_seconds = time.perf_counter() - started
        bad = sum(1 for ok, _s, _l in submits if not ok)
        submit_figures = report(
            "checkout submits (2 orders each)",
            [s for ok, s, _ in submits if ok],
            submit_seconds,
            bad,
        )

        def pay(pair):
            client, (_ok, _seconds, location) = pair
            page, _ = timed(client, "GET", f"{base}{location}")
            token = CSRF_FIELD.search(page.text).group(1)
            response, seconds = timed(
                client,
                "POST",
                f"{base}{location}",
                data={"csrfmiddlewaretoken": token, "outcome": "succeeded"},
                headers={"Referer": f"{base}{location}"},
            )
            return response.status_code == 302, (seconds, *server_side(response))

        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            paid = list(
                pool.map(pay, [(c, s) for c, s in zip(clients, submits, strict=True) if s[0]])
            )
        pay_seconds = time.perf_counter() - started
        pay_figures = report(
            "test-mode payments (the POST: signed event verified and applied)",
            [s for ok, s in paid if ok],
            pay_seconds,
            sum(1 for ok, _s in paid if not ok),
        )

        from orders.models import Order

        states = {}
        for state in Order.objects.values_list("state", flat=True):
            states[state] = states.get(state, 0) + 1
        log(f"orders in the database: {states}")
        summary(submit_figures, pay_figures)
        failed = bad > 0 or states.get("paid", 0) != 2 * (len(submits) - bad)
    finally:
        stop(server)
        connection.close()
        if os.environ.get("BENCH_KEEP_DB") != "1":
            drop_database(original, name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
