"""Retainable kinds of the case records (the ``retention`` hook, see counseling.hooks).

Both periods count from the day the case was closed; an open case is never touched.

- Session notes: the text (content, analysis, next steps, addenda) is removed and the note kept,
  marked ``redacted_at``, so the numbers of sessions, minutes and channels stay.
- Case records: the case is deleted with everything hanging off it (intake, plan, follow-ups,
  handovers, notes, referrals, its crisis escalations and the passed-on concerns that led to
  it). Past terms keep their numbers in their stored semester reports.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.cases.enums import CaseStatus
from counseling.cases.models import Case, Concern, Escalation, SessionNote
from counseling.hooks import RetentionKind


def expired_notes(cutoff: datetime.datetime) -> QuerySet:
    return SessionNote.objects.filter(
        case__status=CaseStatus.CLOSED, case__closed_at__lt=cutoff, redacted_at__isnull=True
    ).select_related("case")


def redact_note(note: SessionNote) -> None:
    note.addenda.all().delete()
    note.content = note.analysis = note.next_steps = ""
    note.redacted_at = timezone.now()
    note.save(update_fields=["content", "analysis", "next_steps", "redacted_at"])


def expired_cases(cutoff: datetime.datetime) -> QuerySet:
    return Case.objects.filter(status=CaseStatus.CLOSED, closed_at__lt=cutoff)


def delete_case(case: Case) -> None:
    # These point at the case with SET_NULL and would outlive it; they are part of its record.
    Escalation.objects.filter(case=case).delete()
    Concern.objects.filter(case=case).delete()
    case.delete()


def _case_contents(case: Case) -> str:
    """How much went with the case: counts only."""
    return f"notes={case.notes.count()}, escalations={case.escalations.count()}, referrals={case.referrals.count()}"


KINDS = [
    RetentionKind(
        key="cases.session_note",
        label=_("Session notes"),
        event=_("case closed"),
        default_months=36,
        expired=expired_notes,
        remove=redact_note,
        student_id=lambda note: note.case.student_id,
        describe=lambda note: f"#{note.pk} {note.held_on:%Y-%m-%d} {note.case.number}",
        anonymises=True,
    ),
    RetentionKind(
        key="cases.case",
        label=_("Case records"),
        event=_("case closed"),
        default_months=60,
        expired=expired_cases,
        remove=delete_case,
        student_id=lambda case: case.student_id,
        detail=_case_contents,
        describe=lambda case: f"{case.number} {timezone.localtime(case.closed_at):%Y-%m-%d}",
    ),
]
