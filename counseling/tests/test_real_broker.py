"""Background work with a real Redis and a real Celery worker (CI sets REDIS_URL; PostgreSQL only).

The outbox is the source of truth: a request that queues work while the broker is down still
succeeds, and the work goes out once the broker is back, exactly once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from counseling.celery import app as celery_app
from counseling.models import Notification, OutboxMessage
from counseling.reports import services as reports
from counseling.reports.models import ReportStatus, SemesterReport
from counseling.services.notify import notify
from counseling.tasks import deliver_outbox

REDIS_URL = os.environ.get("REDIS_URL", "")
PRIVATE_PORT = 6391
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
    """Tasks go through a real Redis of this module's own (the suite otherwise runs them eagerly)."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(PRIVATE_PORT)
    server.start()
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_write_url, conf.task_always_eager)
    conf.broker_url = conf.broker_write_url = server.url
    conf.task_always_eager = False
    yield server
    conf.broker_url, conf.broker_write_url, conf.task_always_eager = saved
    server.stop()


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a database server it can share")


@pytest.fixture
def worker():
    """Start a real worker on the test database; stop it afterwards."""
    processes = []

    def start() -> subprocess.Popen:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "counseling.settings_test",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{PRIVATE_PORT}/0",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        }
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


def wait_for(check, seconds: float = 40) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return False


def test_a_notice_queued_while_redis_is_down_goes_out_once_when_it_is_back(broker, postgres, worker, student) -> None:
    broker.stop()
    started = time.monotonic()
    assert notify(student, key="drill:1", title="预约已确认") is True  # the caller is not hurt
    assert time.monotonic() - started < 10
    message = OutboxMessage.objects.get(dedupe_key="drill:1")
    assert message.sent_at is None

    broker.start()
    worker()
    deliver_outbox.apply_async(retry=True)  # what the next beat tick does
    deliver_outbox.apply_async(retry=True)  # and a duplicate delivery of the same scan
    assert wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).sent_at is not None)
    time.sleep(1)
    assert Notification.objects.filter(user=student, title="预约已确认").count() == 1


def test_a_real_worker_builds_the_report_once(broker, postgres, worker, term, head) -> None:
    worker()
    report = reports.request_report(term, head)
    again = reports.request_report(term, head)
    assert again.pk == report.pk
    assert wait_for(lambda: SemesterReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT)
    assert SemesterReport.objects.filter(term=term).count() == 1
    assert SemesterReport.objects.get(pk=report.pk).data["term"]["name"] == term.name
