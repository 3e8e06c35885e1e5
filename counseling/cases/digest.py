"""Lines of the daily digest for a user: names and times only, never content."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy, gettext_noop

from counseling.cases.enums import FollowUpStatus, Severity
from counseling.cases.models import Case, Escalation, FollowUp, RiskSignal, SessionNote
from counseling.services.messages import Msg


def items_for(user, day: datetime.date) -> list[Msg]:
    """Unsigned notes and follow-ups due (by ``day``) on the user's cases; how many open "watch"
    risk signals wait in triage (a number, never a name: they are not sent as notices); unacknowledged
    crises for the head counselor and leaders."""
    lines: list[Msg] = []
    if user.has_perm("cases.view_cases"):
        notes = (
            SessionNote.objects.visible_to(user)
            .unsigned()
            .filter(author=user, case__counselor=user, held_on__lte=day)
            .select_related("case__student")
            .only("held_on", "case__student__name", "case__student__username")
            .order_by("held_on", "id")
        )
        lines += [
            Msg(
                gettext_noop("Unsigned session note: %(student)s, session of %(day)s"),
                student=note.case.student.get_full_name(),
                day=note.held_on,
            )
            for note in notes
        ]
        follow_ups = (
            FollowUp.objects.filter(
                case__in=Case.objects.visible_to(user).filter(counselor=user),
                status=FollowUpStatus.DUE,
                due_on__lte=day,
            )
            .select_related("case__student")
            .only("due_on", "case__student__name", "case__student__username")
            .order_by("due_on", "id")
        )
        lines += [
            Msg(
                gettext_noop("Follow-up due %(day)s: %(student)s"),
                day=item.due_on,
                student=item.case.student.get_full_name(),
            )
            for item in follow_ups
        ]
    if user.has_perm("cases.triage_signals"):
        watch = RiskSignal.objects.visible_to(user).open().filter(severity=Severity.WATCH).count()
        if watch:
            lines.append(Msg.ngettext("%(count)d risk signal to watch", "%(count)d risk signals to watch", count=watch))
    if user.has_perm("cases.receive_escalations"):
        escalations = (
            Escalation.objects.visible_to(user)
            .unacknowledged()
            .select_related("student")
            .only("raised_at", "student__name", "student__username")
        )
        lines += [
            Msg(
                gettext_noop("Crisis escalation not acknowledged: %(student)s, %(time)s"),
                student=escalation.student.get_full_name(),
                time=escalation.raised_at,
            )
            for escalation in escalations
        ]
    return lines


def week_numbers(start: datetime.date, end: datetime.date) -> dict:
    """Counts for the head counselor's weekly note (aggregates only), by lazy label."""
    return {
        gettext_lazy("Cases opened"): Case.objects.filter(opened_at__date__range=(start, end)).count(),
        gettext_lazy("Session notes"): SessionNote.objects.filter(held_on__range=(start, end)).count(),
        gettext_lazy("Crisis escalations"): Escalation.objects.filter(raised_at__date__range=(start, end)).count(),
    }
