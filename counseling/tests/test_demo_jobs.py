"""`make run` runs the periodic jobs too: a worker with beat on the demo's file-system broker.

The test starts the worker the way the Makefile does (same options, its own message folder) on
the test database, and sees beat tick and a message leave the outbox. PostgreSQL only: the worker
is another process and must share the database.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from counseling.models import Heartbeat, OutboxMessage

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def makefile_worker_command() -> list[str]:
    """The worker command of ``make run``, read from the Makefile so the two cannot drift apart."""
    text = (ROOT / "Makefile").read_text()
    line = re.search(r"\$\(BIN\)/celery (-A counseling worker --beat[^&]*)&", text.replace("\\\n", " "))
    assert line, "make run no longer starts a worker with beat"
    options = line.group(1).split()
    # The schedule and log go to the test's folder, not var/.
    for flag in ("--schedule", "--logfile"):
        if flag in options:
            index = options.index(flag)
            del options[index : index + 2]
    return [sys.executable, "-m", "celery", *options]


def wait_for(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(1)
    return False


def test_the_demo_worker_ticks_and_delivers(tmp_path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the worker is another process: it needs a database server it can share")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "counseling.settings_test",
        "TEST_REAL_BROKER": "1",
        "CELERY_BROKER_URL": "filesystem://",
        "DEMO_BROKER_DIR": str(tmp_path / "broker"),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    from counseling.tests.factories import UserFactory

    user = UserFactory(role="counselor", email="c@school.example")
    OutboxMessage.objects.create(
        recipient=user, dedupe_key="demo-jobs", title="t", kind="k", send_after=timezone.now(), send_email=False
    )
    command = [*makefile_worker_command(), "--schedule", str(tmp_path / "beat-schedule")]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: Heartbeat.objects.filter(name="beat").exists(), 150), "beat never ticked"
        assert wait_for(lambda: OutboxMessage.objects.get(dedupe_key="demo-jobs").sent_at is not None, 90)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_health_warns_while_beat_has_never_ticked(client_for, head) -> None:
    """With no broker there is no beat: the page says so instead of 'OK' (and stays 200)."""
    response = client_for(head).get(reverse("health"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "运行中，有需要注意的事项" in page
    assert "从未运行：定时任务（提醒、重发、每日摘要）没有在运行" in page
    Heartbeat.objects.update_or_create(name="beat", defaults={"at": timezone.now()})
    page = client_for(head).get(reverse("health")).content.decode()
    assert "定时任务（提醒、重发、每日摘要）没有在运行" not in page
