"""A real Celery worker process, started against the real broker, sends the verification e-mail
that sign-up enqueues on commit (the other tests run tasks eagerly)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from marketplace.accounts import services
from marketplace.celery import app

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)


def database_url_of_test_db() -> str:
    """A DATABASE_URL naming the test database this test writes to."""
    db = connection.settings_dict
    socket_dir = db.get("OPTIONS", {}).get("host")
    if socket_dir:
        return f"postgresql://{db['USER']}:@/{db['NAME']}?host={quote(socket_dir)}"
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


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
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.base",
        "DATABASE_URL": database_url_of_test_db(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            f"--hostname={queue}@localhost",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield mail_dir
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output)  # shown by pytest only when the test fails


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
