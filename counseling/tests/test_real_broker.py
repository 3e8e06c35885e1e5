"""Background work with a real Redis and a real Celery worker (CI sets REDIS_URL; PostgreSQL only).

The outbox is the source of truth: a request that queues work while the broker is down still
succeeds, and the work goes out once the broker is back, exactly once.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from counseling.models import Notification, OutboxMessage
from counseling.reports.models import ReportStatus, SemesterReport

REDIS_URL = os.environ.get("REDIS_URL", "")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# A port nothing else uses, so a server left over from an interrupted run cannot answer for ours.
PRIVATE_PORT = _free_port()
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not REDIS_URL, reason="needs a real Redis (set REDIS_URL)"),
]


class PrivateRedis:
    """A Redis server of the test's own, which the test can stop and start again on the same port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        assert wait_for(lambda: _pings(client), 10), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


@pytest.fixture(scope="module")
def broker():
    """A real Redis of this module's own, which a test may stop and start again."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(PRIVATE_PORT)
    server.start()
    yield server
    server.stop()


def child_env() -> dict:
    """The environment of a process that shares the test database and the private broker."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "counseling.settings_test",
        "TEST_REAL_BROKER": "1",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{PRIVATE_PORT}/0",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }


def in_web_process(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` the way a web request would: tasks go to the real broker, not in-process."""
    script = "import django; django.setup()\n" + code
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a database server it can share")


@pytest.fixture
def worker():
    """Start a real worker on the test database; stop it afterwards."""
    processes = []

    def start() -> subprocess.Popen:
        env = child_env()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "counseling",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=20)


def wait_for(check, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return False


def test_a_notice_queued_while_redis_is_down_goes_out_once_when_it_is_back(broker, postgres, worker, student) -> None:
    broker.stop()
    started = time.monotonic()
    queued = in_web_process(
        "from counseling.models import User\n"
        "from counseling.services.notify import notify\n"
        f"print(notify(User.objects.get(pk={student.pk}), key='drill:1', title='预约已确认'))\n"
    )
    assert queued.returncode == 0, queued.stderr  # the caller is not hurt
    assert queued.stdout.strip() == "True"
    assert time.monotonic() - started < 30
    message = OutboxMessage.objects.get(dedupe_key="drill:1")
    assert message.sent_at is None

    broker.start()
    worker()
    # What the next beat tick sends, twice over, as a duplicated delivery would.
    sent = in_web_process("from counseling.tasks import deliver_outbox\ndeliver_outbox.delay(); deliver_outbox.delay()")
    assert sent.returncode == 0, sent.stderr
    assert wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).sent_at is not None)
    time.sleep(1)
    assert Notification.objects.filter(user=student, title="预约已确认").count() == 1


def test_a_real_worker_builds_the_report_once(broker, postgres, worker, term, head) -> None:
    worker()
    asked = in_web_process(
        "from counseling.models import Term, User\n"
        "from counseling.reports.services import request_report\n"
        f"term, head = Term.objects.get(pk={term.pk}), User.objects.get(pk={head.pk})\n"
        "print(request_report(term, head).pk, request_report(term, head).pk)\n"
    )
    assert asked.returncode == 0, asked.stderr
    first, second = asked.stdout.split()
    assert first == second
    assert wait_for(lambda: SemesterReport.objects.get(pk=first).status == ReportStatus.DRAFT)
    assert SemesterReport.objects.filter(term=term).count() == 1
    assert SemesterReport.objects.get(pk=first).data["term"]["name"] == term.name
