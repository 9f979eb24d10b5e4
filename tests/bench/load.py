"""A small, bounded HTTP load driver: threads and http.client, loopback only (wrk is not
installed on these machines). Each request opens its own connection, as gunicorn's sync workers
close them after every response anyway; the ceiling is measured the same way, so the fractions
compare like with like.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HOST = "127.0.0.1"


@dataclass
class Response:
    status: int
    elapsed_ms: float
    queries: int | None
    server_ms: float | None
    size: int


def fetch(
    port: int, path: str, *, host: str = HOST, timeout: float = 30, language: str = "en"
) -> Response:
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("The bench only talks to the loopback interface.")
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request(
            "GET", path, headers={"Connection": "close", "Accept-Language": language}
        )
        response = connection.getresponse()
        body = response.read()
        queries = response.getheader("X-Bench-Queries")
        server = response.getheader("X-Bench-Time-Ms")
        status = response.status
    finally:
        connection.close()
    return Response(
        status=status,
        elapsed_ms=(time.perf_counter() - started) * 1000,
        queries=int(queries) if queries is not None else None,
        server_ms=float(server) if server is not None else None,
        size=len(body),
    )


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Run:
    name: str
    path: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    server_times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    by_kind: dict[str, Run] = field(default_factory=dict)

    def add(self, response: Response) -> None:
        self.latencies.append(response.elapsed_ms)
        self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
        if response.server_ms is not None:
            self.server_times.append(response.server_ms)
        if response.queries is not None:
            self.queries.append(response.queries)

    def merge(self, other: Run) -> None:
        self.latencies.extend(other.latencies)
        self.server_times.extend(other.server_times)
        self.queries.extend(other.queries)
        self.errors += other.errors
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        for kind, run in other.by_kind.items():
            self.by_kind.setdefault(kind, Run(name=kind, path="")).merge(run)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 0.95)

    @property
    def server_p50(self) -> float:
        return statistics.median(self.server_times) if self.server_times else float("nan")

    @property
    def queries_p50(self) -> float:
        return statistics.median(self.queries) if self.queries else float("nan")

    @property
    def queries_max(self) -> int:
        return max(self.queries, default=0)


def drive(
    name: str,
    port: int,
    path: str = "",
    *,
    picker: Callable[[int], Callable[[], Any]] | None = None,
    concurrency: int = 8,
    duration: float = 6.0,
    max_requests: int = 50_000,
) -> Run:
    """`concurrency` clients request `path` back to back for `duration` seconds (or until
    `max_requests`), then stop. With `picker`, client n asks `picker(n)()` before each request
    for what to fetch instead (an object with `kind`, `path` and `language`), and the run keeps
    figures per kind as well."""
    run = Run(name=name, path=path)
    lock = threading.Lock()
    issued = 0
    deadline = time.monotonic() + duration

    def client(index: int):
        nonlocal issued
        mine = Run(name=name, path=path)
        pick = picker(index) if picker else None
        while time.monotonic() < deadline:
            with lock:
                if issued >= max_requests:
                    break
                issued += 1
            chosen = pick() if pick else None
            try:
                if chosen is None:
                    response = fetch(port, path)
                else:
                    response = fetch(port, chosen.path, language=chosen.language)
            except OSError:
                mine.errors += 1
                continue
            mine.add(response)
            if chosen is not None:
                mine.by_kind.setdefault(chosen.kind, Run(name=chosen.kind, path="")).add(response)
        with lock:
            run.merge(mine)

    threads = [
        threading.Thread(target=client, args=(index,), daemon=True) for index in range(concurrency)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    for kind_run in run.by_kind.values():
        kind_run.seconds = run.seconds
    return run
