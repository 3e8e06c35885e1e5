"""Daily digests for counselors and the weekly note for the head counselor.

Each app may provide ``<app>/digest.py`` with ``items_for(user, day) -> list[Msg]``: lines with
names and times only, never confidential content, as messages (``counseling.services.messages``)
so each reader sees the digest in their own language; ``week_numbers`` keys are lazy labels. Digests go through the outbox keyed by user
and day, so running the job twice sends one digest.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_noop

from counseling.hooks import app_hooks
from counseling.models import User
from counseling.roles import users_with_perm
from counseling.services.audit import fingerprint
from counseling.services.messages import Joined, Msg
from counseling.services.notify import Kind, notify


def audit_line(user: User) -> Msg | None:
    """The audit chain's latest anchor as a short fingerprint, for those who watch system health.

    A copy of the head kept away from the anchor file: comparing it with a later anchor shows
    whether the newest entries were removed or the anchor file rewritten.
    """
    if not user.has_perm("counseling.view_health"):
        return None
    head = fingerprint()
    if head is None:
        return None
    return Msg(gettext_noop("Audit trail: entry #%(id)s, fingerprint %(fingerprint)s"), id=head[0], fingerprint=head[1])


def digest_lines(user: User, day: datetime.date) -> list[Msg]:
    lines: list[Msg] = []
    for _app, module in app_hooks("digest"):
        lines.extend(module.items_for(user, day))
    audit = audit_line(user)
    if audit:
        lines.append(audit)
    return lines


def send_daily_digests(day: datetime.date) -> int:
    """Queue one digest per counselor (and the head counselor) who has something today.

    Side effects: one outbox message per recipient keyed ``digest:<user>:<day>``; returns how many
    were newly queued.
    """
    sent = 0
    recipients = users_with_perm("counseling.receive_digest")
    for user in recipients:
        lines = digest_lines(user, day)
        if not lines:
            continue
        title = Msg(gettext_noop("Your day, %(date)s"), date=day)
        body = Joined(lines, "\n", bullet="- ")
        key = f"digest:{user.pk}:{day.isoformat()}"
        if notify(user, key=key, title=title, body=body, url=reverse("home"), kind=Kind.DIGEST):
            sent += 1
    return sent


def week_numbers(start: datetime.date, end: datetime.date) -> dict[str, int]:
    """The handful of counts the head counselor's weekly note shows (aggregates only)."""
    numbers: dict[str, int] = {}
    for _app, module in app_hooks("digest"):
        if hasattr(module, "week_numbers"):
            numbers.update(module.week_numbers(start, end))
    return numbers


def send_weekly_note(day: datetime.date) -> int:
    """Queue the weekly note for each head counselor, keyed by ISO week."""
    start = day - datetime.timedelta(days=7)
    end = day - datetime.timedelta(days=1)
    numbers = week_numbers(start, end)
    year, week, _weekday = day.isocalendar()
    sent = 0
    lines = [Msg(gettext_noop("%(label)s: %(value)s"), label=label, value=value) for label, value in numbers.items()]
    body = Joined(lines, "\n", bullet="- ") if lines else Msg(gettext_noop("No activity recorded."))
    title = Msg(gettext_noop("Last week in the counseling office (%(start)s – %(end)s)"), start=start, end=end)
    for head in users_with_perm("counseling.receive_weekly_note").order_by("pk"):
        key = f"weekly:{head.pk}:{year}-{week}"
        if notify(head, key=key, title=title, body=body, url=reverse("home"), kind=Kind.WEEKLY):
            sent += 1
    return sent
