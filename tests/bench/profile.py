"""Profile cold storefront pages in one process (issue 12): where an uncached page spends its time.

    BENCH_KEEP_DB=1 make bench        # once: leaves the seeded <name>_bench database behind
    python -m marketplace.core.embedded exec -- python -m tests.bench.profile [kind …]

Kinds: product, search, category, home (default: the first three). For each kind, requests
BENCH_PROFILE_REQUESTS distinct long-tail URLs (tests.bench.longtail; after a short warm-up that
caches the shared parts, the category tree and the layout, as live traffic would) through
Django's full handler, middleware included, under cProfile; prints the server time's median,
the queries per page and the top functions by own time and by cumulative time.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import sys
import time

REQUESTS = int(os.environ.get("BENCH_PROFILE_REQUESTS", "300"))
TOP = int(os.environ.get("BENCH_PROFILE_TOP", "25"))


def main(kinds: list[str]) -> int:
    from tests.bench.run import bench_database_url

    original = os.environ.get("DATABASE_URL")
    if not original:
        print("DATABASE_URL is not set: run me through marketplace.core.embedded exec")
        return 2
    os.environ["DATABASE_URL"] = bench_database_url(original)[0]
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.bench.settings"
    os.environ.setdefault("CONN_MAX_AGE", "600")

    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.bench.longtail import LongTail

    tail = LongTail.from_database()
    cache.clear()
    client = Client(HTTP_HOST="127.0.0.1")
    rng = tail.rng(99)
    for _ in range(30):  # shared parts: the category tree, compiled templates, the home page
        pick = tail.pick(rng)
        client.get(pick.path, HTTP_ACCEPT_LANGUAGE=pick.language)

    for kind in kinds:
        picks = [tail.pick(rng, kind) for _ in range(REQUESTS)]
        times, queries = [], []
        profiler = cProfile.Profile()
        for pick in picks:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                profiler.enable()
                response = client.get(pick.path, HTTP_ACCEPT_LANGUAGE=pick.language)
                profiler.disable()
                times.append((time.perf_counter() - started) * 1000)
            queries.append(len(captured.captured_queries))
            if response.status_code != 200:
                print(f"{pick.path}: {response.status_code}")
        print(
            f"\n=== {kind}: {REQUESTS} cold pages, median {statistics.median(times):.2f} ms "
            f"(profiled, so slower than served), queries median {statistics.median(queries):.0f} "
            f"max {max(queries)}"
        )
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats(order).print_stats(TOP)
            text = out.getvalue()
            print(f"--- by {order}")
            print(text[text.index("   ncalls") :])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["product", "search", "category"]))
