"""`make bench`: the storefront under load on a 100,000-product catalogue (DESIGN §9).

    python -m marketplace.core.embedded exec -- python -m tests.bench.run

1. Creates its own database next to DATABASE_URL's (`<name>_bench`, dropped at the end unless
   BENCH_KEEP_DB=1), migrates it, and seeds it in bulk (tests.bench.seed): 1,000 shops,
   100,000 live products, 300,000 SKUs. The seeding time is printed.
2. Serves the site with gunicorn on 127.0.0.1 (2 sync workers, tests.bench.settings: DEBUG off,
   its own Redis database for the cache, a trivial view as the ceiling).
3. Measures the ceiling, then the long tail (tests.bench.longtail): a mix of URLs drawn from the
   whole catalogue, cache emptied first, then each kind alone on an empty cache again; requests/s
   as a share of the ceiling, client p50/p95, the server's p50 and queries per page, against the
   budgets of issue 12.
4. Then the fixed URLs as before: every page once cold and once warm (queries, a response
   header added by tests.bench.middleware), the category page again with 96 per page, and a
   bounded load (8 concurrent clients for BENCH_SECONDS seconds each, loopback only) on the home
   page, category page 1 and page 50, an English and a Chinese search and a product page; then
   the ceiling again, and the web workers' resident memory.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
CONCURRENCY = 8
WORKERS = 2
BUDGET_QUERIES = 10
BUDGET_P50_MS = 10.0
BUDGET_FRACTION = {"listing": 0.20, "product": 0.30}
# The long tail (issue 12): share of the ceiling, the server's median and queries of a cold page.
LONGTAIL_FRACTION = {"mix": 0.20, "product": 0.25, "search": 0.15, "category": 0.15}
LONGTAIL_SERVER_MS = {"product": 4.0, "search": 8.0, "category": 8.0}
LONGTAIL_QUERIES = 6


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def bench_database_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "marketplace"
    bench = f"{name}_bench"
    return urlunsplit(parts._replace(path=f"/{bench}")), bench


def recreate_database(url: str, name: str) -> None:
    import psycopg2

    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    connection = psycopg2.connect(maintenance)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def drop_database(url: str, name: str) -> None:
    import psycopg2

    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    connection = psycopg2.connect(maintenance)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, env: dict) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "marketplace.wsgi:application",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--backlog",
        "128",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # gunicorn and its two workers: our own group
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    from tests.bench.load import fetch

    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            if fetch(port, "/bench/ceiling/", timeout=2).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer")


def worker_rss_mb(master: int) -> list[float]:
    """Resident memory (MB) of each gunicorn worker (the children of `master`)."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master) and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(sizes)


def empty_cache() -> None:
    """Nothing of the storefront cached anywhere: Redis emptied, and the storefront version
    advanced so that the workers' in-process entries are unreachable too."""
    from django.core.cache import cache
    from django.db import connection

    cache.clear()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('catalog_storefront_version')")
    connection.close()


def verdict(ok: bool, text: str) -> str:
    return f"{'ok' if ok else 'OVER'} {text}"


def print_longtail(runs: dict, ceiling: float) -> bool:
    """The long-tail table; True when something answered other than 200."""
    failed = False
    header = (
        f"{'long tail':<18} {'req/s':>7} {'of ceil':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'srv p50':>8} {'queries p50/max':>16}  budget"
    )
    print(header)
    print("-" * len(header))
    rows = [("mix", runs["mix"])]
    rows += [(f"  {kind} in mix", run) for kind, run in sorted(runs["mix"].by_kind.items())]
    rows += [(f"{kind} alone", runs[kind]) for kind in ("product", "search", "category")]
    for label, run in rows:
        kind = label.split()[0]
        fraction = run.rps / ceiling if ceiling else 0
        verdicts = []
        if not label.startswith(" ") and kind in LONGTAIL_FRACTION:
            wanted = LONGTAIL_FRACTION[kind]
            verdicts.append(verdict(fraction >= wanted, f"≥{wanted:.0%}"))
        if kind in LONGTAIL_SERVER_MS:
            wanted_ms = LONGTAIL_SERVER_MS[kind]
            verdicts.append(verdict(run.server_p50 <= wanted_ms, f"srv≤{wanted_ms:g}ms"))
            verdicts.append(verdict(run.queries_max <= LONGTAIL_QUERIES, f"≤{LONGTAIL_QUERIES}q"))
        bad = {s: n for s, n in run.statuses.items() if s != 200}
        if bad or run.errors:
            failed = True
            verdicts.append(f"errors {bad} {run.errors}")
        share = "" if label.startswith(" ") else f"{fraction:>8.0%}"
        print(
            f"{label:<18} {run.rps:>7,.0f} {share:>8} {run.p50:>7.1f} {run.p95:>7.1f} "
            f"{run.server_p50:>8.2f} {run.queries_p50:>8.0f}/{run.queries_max:<7}  "
            f"{' '.join(verdicts)}"
        )
    return failed


def main() -> int:
    from tests.bench.load import drive, fetch

    original = os.environ.get("DATABASE_URL")
    if not original:
        log("DATABASE_URL is not set: run me through `make bench`")
        return 2
    url, name = bench_database_url(original)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.bench.settings"}
    env.setdefault("CONN_MAX_AGE", "600")
    os.environ.update(env)

    log(f"database {name} (a fresh one, next to the one DATABASE_URL names)")
    recreate_database(original, name)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    migrate_seconds = time.perf_counter() - started
    log(f"migrated in {migrate_seconds:.1f} s")

    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection

    from catalog.models import Product
    from tests.bench import seed
    from tests.bench.longtail import LongTail

    log(f"seeding {seed.SHOPS:,} shops, {seed.PRODUCTS:,} products, {seed.PRODUCTS * 3:,} SKUs …")
    seeded = seed.seed()
    log(f"seeded in {seeded.seconds:.1f} s")
    product = Product.objects.filter(code=f"B{seed.PRODUCTS // 2}").values("pk", "slug").get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalog_product WHERE state = 'live'")
        live = cursor.fetchone()[0]
        cursor.execute("SELECT to_regclass('catalog_product_title_trgm') IS NOT NULL")
        trigram = cursor.fetchone()[0]
    tail = LongTail.from_database()
    connection.close()
    cache.clear()
    log(
        f"long tail: {len(tail.products):,} product pages, {len(tail.terms)} search terms, "
        f"{len(tail.categories)} categories × sorts × pages"
    )

    root = seeded.root_slugs[0]
    pages = [
        ("home", "listing", "/"),
        ("category p1", "listing", f"/categories/{root}/"),
        ("category p50", "listing", f"/categories/{root}/?page=50"),
        ("search en", "listing", f"/search/?q={quote(seeded.search_en)}"),
        ("search zh", "listing", f"/search/?q={quote(seeded.search_zh)}"),
        ("product", "product", f"/products/{product['pk']}/{product['slug']}/"),
    ]
    port = free_port()
    server = start_gunicorn(port, env)
    failed = False
    try:
        wait_until_up(port, server)
        log(
            f"gunicorn: {WORKERS} sync workers on 127.0.0.1:{port}; {live:,} live products; "
            f"pg_trgm typo tolerance: {'on' if trigram else 'off (no extension)'}"
        )

        # Both workers load their code and compile the layout's templates first, on a page that
        # is not measured; then every page once cold (nothing of it cached) and once warm.
        drive("warm-up", port, "/accounts/login/", concurrency=4, duration=1.5)
        runs = {"ceiling": drive("ceiling", port, "/bench/ceiling/", duration=SECONDS)}

        # The long tail first, each run on an empty cache.
        longtail = {}
        for kind, seconds in (
            ("mix", 2 * SECONDS),
            ("product", SECONDS),
            ("search", SECONDS),
            ("category", SECONDS),
        ):
            empty_cache()
            only = None if kind == "mix" else kind

            def picker(client, only=only):
                rng = tail.rng(client)
                return lambda: tail.pick(rng, only)

            longtail[kind] = drive(
                f"long tail {kind}", port, picker=picker, concurrency=CONCURRENCY, duration=seconds
            )
        empty_cache()

        # Then the fixed URLs, as before:
        # Cold (empty cache) and warm single requests: status, time and queries.
        cold, warm = {}, {}
        for label, _kind, path in pages:
            cold[label] = fetch(port, path)
            warm[label] = fetch(port, path)
            if cold[label].status != 200 or warm[label].status != 200:
                failed = True
                log(f"{label}: {path} answered {cold[label].status}/{warm[label].status}")
        wide = fetch(port, f"/categories/{root}/?per_page=96&sort=price")
        narrow = fetch(port, f"/categories/{root}/?per_page=24&sort=price")

        for label, _kind, path in pages:
            runs[label] = drive(label, port, path, concurrency=CONCURRENCY, duration=SECONDS)
        ceiling_again = drive("ceiling", port, "/bench/ceiling/", duration=SECONDS)
        rss = worker_rss_mb(server.pid)
    finally:
        stop(server)
        if os.environ.get("BENCH_KEEP_DB") != "1":
            drop_database(original, name)
        cache.clear()

    ceiling = (runs["ceiling"].rps + ceiling_again.rps) / 2
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print()
    print(f"Machine: {os.cpu_count()} CPUs, load average {load} at the end (other work included)")
    print(
        f"Seeding: {seeded.seconds:.1f} s for {seed.SHOPS:,} shops, {seed.PRODUCTS:,} products, "
        f"{seed.PRODUCTS * seed.SKUS_PER_PRODUCT:,} SKUs and {seed.PRODUCTS:,} images "
        f"(migrations {migrate_seconds:.1f} s before that)"
    )
    print(
        f"Load: {CONCURRENCY} concurrent clients, {SECONDS:g} s per page, gunicorn "
        f"{WORKERS} sync workers, loopback, one connection per request"
    )
    print(
        f"Ceiling (trivial Django view): {ceiling:,.0f} req/s, the mean of "
        f"{runs['ceiling'].rps:,.0f} req/s at the start and {ceiling_again.rps:,.0f} at the end, "
        f"p50 {runs['ceiling'].p50:.1f} ms"
    )
    most = max(rss, default=0)
    print(
        f"Web workers' memory after the runs: {', '.join(f'{mb:.0f} MB' for mb in rss)} "
        f"({'ok' if most < 150 else 'OVER'} < 150 MB)"
    )
    print()
    print(
        f"Long tail (cache emptied before each run; {2 * SECONDS:g} s for the mix, {SECONDS:g} s "
        "for each kind alone; URLs drawn from the whole catalogue, tests.bench.longtail):"
    )
    failed = print_longtail(longtail, ceiling) or failed
    print()
    print("Fixed URLs (one URL per page, so after its first request every hit is a cache hit):")
    header = (
        f"{'page':<13} {'req/s':>7} {'of ceil':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'srv p50':>8} {'queries cold/warm':>18} {'cold ms':>8}  budget"
    )
    print(header)
    print("-" * len(header))
    for label, kind, _path in [("ceiling", "", "")] + pages:
        run = runs[label]
        fraction = run.rps / ceiling if ceiling else 0
        queries = f"{cold[label].queries}/{warm[label].queries}" if label in cold else "-"
        cold_ms = f"{cold[label].elapsed_ms:.0f}" if label in cold else "-"
        verdicts = []
        if kind:
            wanted = BUDGET_FRACTION[kind]
            verdicts.append(f"{'ok' if fraction >= wanted else 'OVER'} ≥{wanted:.0%}")
            verdicts.append(f"{'ok' if run.p50 < BUDGET_P50_MS else 'OVER'} p50<{BUDGET_P50_MS:g}")
            most = max(cold[label].queries or 0, warm[label].queries or 0)
            verdicts.append(f"{'ok' if most <= BUDGET_QUERIES else 'OVER'} ≤{BUDGET_QUERIES}q")
        bad = {s: n for s, n in run.statuses.items() if s != 200}
        if bad or run.errors:
            failed = True
            verdicts.append(f"errors {bad} {run.errors}")
        print(
            f"{label:<13} {run.rps:>7,.0f} {fraction:>8.0%} {run.p50:>7.1f} {run.p95:>7.1f} "
            f"{run.server_p50:>8.2f} {queries:>18} {cold_ms:>8}  {' '.join(verdicts)}"
        )
    print()
    print(
        f"Queries per page whatever the page size: category, 24 per page {narrow.queries} "
        f"(cold), 96 per page {wide.queries} (cold)"
    )
    print(
        "p50/p95 are seen by the clients: with 8 clients on 2 workers a request waits for a "
        "free worker, so they are about 4× the server's own time (srv p50)."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
