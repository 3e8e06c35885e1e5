"""Retainable kinds of the archives (the ``retention`` hook, see counseling.hooks).

Screening answers: counted from the day the student graduated (their class archived by the
new-year wizard). The item-by-item answers and any saved draft are removed; the submission and
its scores stay, so the archive keeps the results over time and the semester numbers (coverage,
bands) stay. Anonymous screenings keep no student and are not personal data: they are not
touched.

Home-visit notes: counted from the student's graduation too. The note is emptied; the visit's
date, channel and topics stay (they are counted in past summaries and hold nothing confidential).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives.models import HomeVisit, Invitation, Submission
from counseling.hooks import RetentionKind


def expired_answers(graduates: QuerySet) -> QuerySet:
    return Submission.objects.filter(student__in=graduates, redacted_at__isnull=True)


def redact_answers(submission: Submission) -> None:
    submission.answers = ""
    submission.redacted_at = timezone.now()
    submission.save(update_fields=["answers", "redacted_at"])
    Invitation.objects.filter(screening_id=submission.screening_id, student_id=submission.student_id).update(draft="")


def expired_visit_notes(graduates: QuerySet) -> QuerySet:
    # An empty note is stored as an empty string (counseling.crypto): the filter needs no decryption.
    return HomeVisit.objects.filter(student__in=graduates).exclude(note="")


def redact_visit_note(visit: HomeVisit) -> None:
    visit.note = ""
    visit.save(update_fields=["note", "updated_at"])


KINDS = [
    RetentionKind(
        key="archives.screening_answers",
        label=_("Screening answers"),
        event=_("student graduated"),
        default_months=12,
        after_graduation=expired_answers,
        remove=redact_answers,
        student_id=lambda submission: submission.student_id,
        describe=lambda submission: f"#{submission.pk} {timezone.localtime(submission.submitted_at):%Y-%m-%d}",
        anonymises=True,
    ),
    RetentionKind(
        key="archives.home_visit_notes",
        label=_("Home-visit notes"),
        event=_("student graduated"),
        default_months=12,
        after_graduation=expired_visit_notes,
        remove=redact_visit_note,
        student_id=lambda visit: visit.student_id,
        describe=lambda visit: f"#{visit.pk} {visit.planned_for:%Y-%m-%d}",
        anonymises=True,
    ),
]
