"""Where a checkout submit and a payment confirmation spend their time and queries, in-process.

    python -m marketplace.core.embedded exec -- python -m tests.bench.profile_checkout

Seeds the checkout bench's data (tests.bench.checkout.seed) in its own database
(`<name>_profile`, dropped at the end), then, through Django's test client with the bench
settings (Celery eager): prints every SQL statement of one submit and of one confirmation
(grouped by step where the SQL says so), then profiles PROFILE_RUNS more of each (pyinstrument
when it is importable, else cProfile) and prints the top of each profile.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import re
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from tests.bench.checkout import CSRF_FIELD, TOKEN_FIELD, TOTAL_FIELD, checkout_env
from tests.bench.run import BASE_DIR, drop_database, recreate_database

RUNS = int(os.environ.get("PROFILE_RUNS", "40"))
SHOW_SQL = os.environ.get("PROFILE_SQL", "1") == "1"


def log(message: str) -> None:
    print(f"[profile checkout] {message}", flush=True)


def main() -> int:
    original = os.environ["DATABASE_URL"]
    parts = urlsplit(original)
    name = (parts.path.lstrip("/") or "marketplace") + "_profile"
    url = urlunsplit(parts._replace(path=f"/{name}"))
    env = checkout_env(url)
    os.environ.update(env)
    recreate_database(original, name)
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )
        return run(RUNS + 1)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(original, name)


def run(count: int) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.bench.checkout import seed

    sessions = seed(count)
    clients = []
    for key in sessions:
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies["sessionid"] = key
        clients.append(client)

    forms = []
    for client in clients:
        page = client.get("/checkout/review/").content.decode()
        forms.append(
            {
                "csrfmiddlewaretoken": CSRF_FIELD.search(page).group(1),
                "token": TOKEN_FIELD.search(page).group(1),
                "expected_total": TOTAL_FIELD.search(page).group(1),
                "place": "1",
            }
        )

    def submit(index):
        response = clients[index].post("/checkout/review/", forms[index])
        assert response.status_code == 302, response.status_code
        return response["Location"]

    def pay(index, location):
        client = clients[index]
        page = client.get(location).content.decode()
        token = CSRF_FIELD.search(page).group(1)
        response = client.post(location, {"csrfmiddlewaretoken": token, "outcome": "succeeded"})
        assert response.status_code == 302, response.status_code

    with CaptureQueriesContext(connection) as submit_queries:
        first = submit(0)
    with CaptureQueriesContext(connection) as pay_queries:
        pay(0, first)
    show("submit", submit_queries.captured_queries)
    show("confirmation", pay_queries.captured_queries)

    locations = {}

    def submits():
        for index in range(1, count):
            locations[index] = submit(index)

    def payments():
        for index in range(1, count):
            pay(index, locations[index])

    profile("submit", submits, count - 1)
    profile("confirmation (test page GET + POST)", payments, count - 1)
    return 0


def show(label: str, queries: list[dict]) -> None:
    total = sum(float(q["time"]) for q in queries)
    log(f"{label}: {len(queries)} queries, {total * 1000:.1f} ms in the database")
    if not SHOW_SQL:
        return
    for number, query in enumerate(queries, 1):
        sql = re.sub(r"\s+", " ", query["sql"])
        print(f"  {number:3d} {float(query['time']) * 1000:6.2f} ms  {sql[:220]}")


def profile(label: str, work, runs: int) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        Profiler = None  # noqa: N806
    started = time.perf_counter()
    if Profiler is not None:
        profiler = Profiler(interval=0.0005)
        profiler.start()
        work()
        profiler.stop()
        seconds = time.perf_counter() - started
        log(f"{label}: {runs} in {seconds:.2f} s = {seconds / runs * 1000:.1f} ms each")
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return
    profiler = cProfile.Profile()
    profiler.enable()
    work()
    profiler.disable()
    seconds = time.perf_counter() - started
    log(f"{label}: {runs} in {seconds:.2f} s = {seconds / runs * 1000:.1f} ms each")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
    print(out.getvalue())


if __name__ == "__main__":
    sys.exit(main())
