"""Drill: every risk signal reaches a person within a minute, even across a broker outage.

    .venv/bin/python -m benchmarks.drills.risk_signals

Starts the drill's own PostgreSQL and Redis, the demo school, one Celery worker and one beat, with
``SIGNAL_RESEND_MINUTES=1``. Then:

1. a signal from each source (screening item, screening total, anonymous screening, referral,
   booking topic, mailbox, zero report, class log, case risk) is raised the way the apps raise
   them, through ``counseling.cases.contract.raise_signal``: every one must be delivered to the
   responsible counselor and the head counselor within 60 s of being raised;
2. one of them is acknowledged once delivered: it must never be sent again;
3. Redis is stopped for two minutes, a signal is raised meanwhile (the request does not wait on
   the broker), Redis is started again (empty): that signal must be delivered within 60 s of
   Redis's return, exactly once;
4. the unacknowledged signals are sent again about every minute and, after two rounds, climb a
   level: the school leaders are told too, on time.
"""

from __future__ import annotations

import datetime
import itertools
import tempfile
import time
from pathlib import Path

from benchmarks.drills import common
from benchmarks.drills.common import say

WITHIN = 60.0  # seconds from raising (or from the broker's return) to delivery
DOWN = 120.0  # seconds Redis stays down


def main() -> int:
    common.require_tools()
    maildir = Path(tempfile.mkdtemp(prefix="counseling-drill-mail-"))
    with common.postgres() as database_url, common.redis() as redis:
        env = common.app_env(database_url, redis.url, EMAIL_URL=f"filemail:///{maildir}", SIGNAL_RESEND_MINUTES="1")
        common.prepare_database(env)
        common.django_setup(env)
        from django.utils import timezone

        from counseling.cases import contract as cases
        from counseling.cases.models import RiskSignal
        from counseling.cases.services.signals import acknowledge
        from counseling.enums import Role
        from counseling.models import OutboxMessage, SchoolClass, User
        from counseling.roles import head_counselor, users_with_perm

        OutboxMessage.objects.filter(sent_at__isnull=True).update(sent_at=timezone.now())
        students = list(User.objects.filter(role=Role.STUDENT, is_active=True).order_by("pk")[100:120])
        school_class = SchoolClass.objects.filter(is_archived=False).order_by("pk").first()
        head = head_counselor()
        leaders = list(users_with_perm("cases.receive_escalations").exclude(pk=head.pk))

        def round_messages(signal: RiskSignal, round_number: int):
            return OutboxMessage.objects.filter(
                dedupe_key__startswith=f"cases:signal:{signal.pk}:round:{round_number}:"
            )

        def delivered_at(signal: RiskSignal, round_number: int = 1) -> datetime.datetime | None:
            messages = list(round_messages(signal, round_number))
            if not messages or any(m.sent_at is None for m in messages):
                return None
            return max(m.sent_at for m in messages)

        sources = [
            (cases.SignalSource.SCREENING_ITEM, cases.Severity.CRISIS, cases.SignalReason.CRITICAL_ITEM, True),
            (cases.SignalSource.SCREENING_TOTAL, cases.Severity.URGENT, cases.SignalReason.HIGH_TOTAL, True),
            (cases.SignalSource.ANONYMOUS_SCREENING, cases.Severity.URGENT, cases.SignalReason.CRITICAL_ITEM, False),
            (cases.SignalSource.REFERRAL, cases.Severity.URGENT, cases.SignalReason.URGENT, True),
            (cases.SignalSource.BOOKING_TOPIC, cases.Severity.URGENT, cases.SignalReason.RISK_CATEGORY, True),
            (cases.SignalSource.MAILBOX, cases.Severity.URGENT, cases.SignalReason.RISK_WORDS, True),
            (cases.SignalSource.ZERO_REPORT, cases.Severity.URGENT, cases.SignalReason.INCIDENT, False),
            (cases.SignalSource.CLASS_LOG, cases.Severity.URGENT, cases.SignalReason.TEACHER_CONCERN, True),
            (cases.SignalSource.CASE_RISK, cases.Severity.URGENT, cases.SignalReason.RISK_RAISED, True),
        ]

        with common.processes(env) as procs:
            procs.worker()
            procs.beat()
            time.sleep(5)

            say("raising a signal from each source")
            raised = []
            for index, (source, severity, reason, named) in enumerate(sources):
                signal = cases.raise_signal(
                    source=source,
                    severity=severity,
                    reason=reason,
                    key=f"drill:{source}",
                    student=students[index] if named else None,
                    school_class=None if named else school_class,
                )
                raised.append(signal)
            all_delivered = common.wait_until(lambda: all(delivered_at(s) for s in raised), WITHIN + 10, 1)
            lateness = {s.source: (delivered_at(s) - s.raised_at).total_seconds() for s in raised if delivered_at(s)}
            for source, seconds in lateness.items():
                say(f"  {source:22} delivered {seconds:5.1f} s after it was raised")
            on_time = all_delivered and all(seconds <= WITHIN for seconds in lateness.values())
            reached = all(
                set(round_messages(s, 1).values_list("recipient_id", flat=True))
                >= {head.pk, *([s.counselor_id] if s.counselor_id else [])}
                for s in raised
            )

            # Acknowledged once its first round is out: it must never be sent again.
            acknowledged = raised[-1]
            acknowledge(acknowledged, by=head)

            say(f"stopping Redis for {DOWN:.0f} s and raising a signal meanwhile")
            redis.stop()
            started = time.monotonic()
            during = cases.raise_signal(
                source=cases.SignalSource.MAILBOX,
                severity=cases.Severity.URGENT,
                reason=cases.SignalReason.RISK_WORDS,
                key="drill:during-outage",
                student=students[-1],
            )
            raise_seconds = time.monotonic() - started
            time.sleep(DOWN)
            sent_while_down = delivered_at(during) is not None
            say(f"raising took {raise_seconds:.1f} s; delivered while down: {sent_while_down}; starting Redis again")
            redis.start()
            back = timezone.now()
            after_outage = common.wait_until(lambda: delivered_at(during) is not None, WITHIN + 30, 1)
            outage_seconds = (delivered_at(during) - back).total_seconds() if after_outage else float("inf")
            say(f"  delivered {outage_seconds:5.1f} s after Redis was back")
            once = round_messages(during, 1).count() == len(
                set(round_messages(during, 1).values_list("recipient_id", flat=True))
            )

            # A signal raised now, with everything running, shows the re-send rhythm undisturbed.
            watched = cases.raise_signal(
                source=cases.SignalSource.REFERRAL,
                severity=cases.Severity.URGENT,
                reason=cases.SignalReason.URGENT,
                key="drill:after-outage",
                student=students[-2],
            )
            say("waiting for re-sends and the climb to the leaders")
            climbed = common.wait_until(
                lambda: (
                    delivered_at(watched, 3) is not None
                    and {leader.pk for leader in leaders}
                    <= set(round_messages(watched, 3).values_list("recipient_id", flat=True))
                ),
                6 * 60,
                3,
            )
            watched.refresh_from_db()
            round_times = [delivered_at(watched, n) for n in (1, 2, 3)]
            shown = [t and timezone.localtime(t).strftime("%H:%M:%S") for t in round_times]
            say(f"  rounds of one signal at {shown}, level {watched.level}")
            # Re-sent one interval after the last round, at the next beat scan (every 60 s).
            gaps_ok = all(
                earlier and later and (later - earlier).total_seconds() <= 60 + 60 + 30
                for earlier, later in itertools.pairwise(round_times)
            )
            acknowledged_quiet = not round_messages(acknowledged, 2).exists()

    return common.verdict(
        "Every risk signal reaches a person",
        [
            (f"a signal from each of {len(sources)} sources delivered within {WITHIN:.0f} s", on_time),
            ("each reached the responsible counselor and the head counselor", reached),
            ("raising a signal with the broker down did not wait on it", raise_seconds < 10),
            ("nothing was delivered while the broker was down", not sent_while_down),
            (f"delivered within {WITHIN:.0f} s of the broker's return", outage_seconds <= WITHIN),
            ("exactly once per person", once),
            ("unacknowledged: sent again every minute or so", gaps_ok),
            ("after two rounds the leaders were told too", climbed and watched.level == 1),
            ("an acknowledged signal was never sent again", acknowledged_quiet),
        ],
    )


if __name__ == "__main__":
    raise SystemExit(main())
