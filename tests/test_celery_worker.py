"""Real Celery worker processes, started against a real broker (the other tests run tasks
eagerly): one sends the verification e-mail that sign-up enqueues on commit; another is killed,
process group and all, in the middle of a task, and the task is done exactly once by the worker
that starts after it."""

import os
import signal
import time
import uuid

import pytest
from celery import Celery
from django.db import connection

from marketplace.accounts import services
from marketplace.celery import app
from tests import worker_probe
from tests.processes import PrivateRedis, django_env, start_celery_worker, stop_process_group

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue():
    """A queue of our own, so no other worker on the same broker takes our task."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = name
    yield name
    app.conf.task_always_eager, app.conf.task_default_queue = previous


@pytest.fixture
def worker(queue, tmp_path):
    mail_dir = tmp_path / "mail"
    env = django_env(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    )
    process = start_celery_worker(env, queue=queue)
    yield mail_dir
    print(stop_process_group(process))  # shown by pytest only when the test fails


def test_a_real_worker_sends_the_verification_email_enqueued_on_commit(worker):
    result = services.register_user(email="worker@example.com", password="a-long-passphrase-1")

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(worker.glob("*.log")):
        time.sleep(0.25)

    messages = [path.read_text() for path in worker.glob("*.log")]
    assert result.user is not None
    assert len(messages) == 1, "the worker did not send the e-mail within 60 s"
    assert "To: worker@example.com" in messages[0]
    assert "/accounts/verify/" in messages[0]


# --- A worker killed mid-task ------------------------------------------------------------------
VISIBILITY_TIMEOUT = 6  # seconds; the task sleeps 2, so its own worker never sees it "lost"
TASK_SECONDS = 2


@pytest.fixture
def probe_tables():
    with connection.cursor() as cursor:
        for statement in worker_probe.CREATE:
            cursor.execute(statement)
    yield
    with connection.cursor() as cursor:
        for statement in worker_probe.DROP:
            cursor.execute(statement)


def rows(table: str, run_id: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pid FROM {table} WHERE run_id = %s", [run_id])  # noqa: S608
        return [pid for (pid,) in cursor.fetchall()]


def wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds} s")
        time.sleep(0.05)


def test_a_task_whose_worker_was_killed_is_done_once_by_the_next_worker(probe_tables):
    broker = PrivateRedis().start()
    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    env = django_env(REDIS_URL=broker.url, CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT))
    include = ["tests.worker_probe"]
    first = second = None
    output = []
    try:
        first = start_celery_worker(env, queue=queue, pool="prefork", include=include)
        sender = Celery(
            "probe-sender", broker=f"redis+socket://{broker.socket}", set_as_current=False
        )
        sender.conf.task_ignore_result = True
        run_id = uuid.uuid4().hex
        sender.send_task(worker_probe.slow_task.name, args=[run_id, TASK_SECONDS], queue=queue)

        wait_for(lambda: rows(worker_probe.STARTS, run_id), seconds=30, what="the first start")
        os.killpg(first.pid, signal.SIGKILL)  # the whole worker: main process and its pool
        output.append(stop_process_group(first))
        assert rows(worker_probe.FINISHES, run_id) == []
        assert broker.client().hlen("unacked") == 1  # taken, never acknowledged

        second = start_celery_worker(env, queue=queue, pool="prefork", include=include)
        wait_for(lambda: rows(worker_probe.FINISHES, run_id), seconds=40, what="the finish")
        wait_for(
            lambda: broker.client().hlen("unacked") == 0, seconds=10, what="the acknowledgement"
        )

        starts, finishes = rows(worker_probe.STARTS, run_id), rows(worker_probe.FINISHES, run_id)
        assert len(starts) == 2 and starts[0] != starts[1]  # once per worker
        assert finishes == [starts[1]]  # done once, by the second worker
        assert broker.client().llen(queue) == 0  # and nothing left to deliver again
    finally:
        for process in (first, second):
            if process is not None:
                output.append(stop_process_group(process))
        broker.remove()
        print("\n".join(output))  # shown by pytest only when the test fails
