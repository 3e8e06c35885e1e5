"""Drill: two beat processes run by mistake; nothing is sent twice.

    .venv/bin/python -m benchmarks.drills.two_beats

Starts the drill's Redis and PostgreSQL, one Celery worker and TWO beat processes. Puts 30
messages for 30 people in the outbox, due in 20 seconds (so only the beats' periodic scans
deliver them, not the on-commit kick), and waits for three scan cycles. Then every message must
have been delivered exactly once: one in-app notification each, one e-mail each, and no message
claimed twice.
"""

from __future__ import annotations

import datetime
import tempfile
import time
from pathlib import Path

from benchmarks.drills import common
from benchmarks.drills.common import say

MESSAGES = 30


def main() -> int:
    common.require_tools()
    maildir = Path(tempfile.mkdtemp(prefix="counseling-drill-mail-"))
    with common.postgres() as database_url, common.redis() as redis:
        env = common.app_env(database_url, redis.url, EMAIL_URL=f"filemail:///{maildir}")
        common.prepare_database(env)
        common.django_setup(env)
        from django.db import transaction
        from django.utils import timezone

        from counseling.enums import Role
        from counseling.models import Notification, OutboxMessage, User
        from counseling.services.notify import schedule

        people = list(User.objects.filter(role=Role.STUDENT).exclude(email="").order_by("pk")[:MESSAGES])
        if len(people) < MESSAGES:
            User.objects.filter(pk__in=[p.pk for p in User.objects.filter(role=Role.STUDENT)[:MESSAGES]]).update(
                email="pupil@school.example"
            )
            people = list(User.objects.filter(role=Role.STUDENT).order_by("pk")[:MESSAGES])
        due = timezone.now() + datetime.timedelta(seconds=20)
        with transaction.atomic():
            for person in people:
                schedule(person, key=f"drill:beats:{person.pk}", title="Drill: two beats", send_after=due)
        keys = [f"drill:beats:{p.pk}" for p in people]

        with common.processes(env) as procs:
            procs.worker()
            procs.beat("beat-a")
            procs.beat("beat-b")
            say("one worker and two beat processes running; waiting for three outbox scans (about 3 minutes)")
            common.wait_until(
                lambda: OutboxMessage.objects.filter(dedupe_key__in=keys, sent_at__isnull=False).count() == MESSAGES,
                200,
                2,
            )
            time.sleep(65)  # one more scan by each beat, to catch a late duplicate
            sent = OutboxMessage.objects.filter(dedupe_key__in=keys, sent_at__isnull=False).count()
            twice = OutboxMessage.objects.filter(dedupe_key__in=keys, attempts__gt=1).count()
            new_notifications = Notification.objects.filter(title="Drill: two beats").count()
            mails = sum(f.read_text(errors="replace").count("Subject: Drill: two beats") for f in maildir.glob("*"))
            beat_a = (procs.logdir / "beat-a.log").read_text(errors="replace").count("counseling.deliver_outbox")
            beat_b = (procs.logdir / "beat-b.log").read_text(errors="replace").count("counseling.deliver_outbox")
        say(
            f"sent {sent}/{MESSAGES}, notifications {new_notifications}, e-mails {mails}, claimed twice {twice}; "
            f"scans sent by beat A {beat_a}, by beat B {beat_b}"
        )
    return common.verdict(
        "two beats",
        [
            ("both beat processes were sending the outbox scan", beat_a > 0 and beat_b > 0),
            (f"all {MESSAGES} messages delivered", sent == MESSAGES),
            ("exactly one in-app notification per message", new_notifications == MESSAGES),
            ("exactly one e-mail per message", mails == MESSAGES),
            ("no message claimed twice", twice == 0),
        ],
    )


if __name__ == "__main__":
    raise SystemExit(main())
