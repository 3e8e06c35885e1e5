"""Retainable kinds of the archives (see counseling.schoolyear.registry).

Screening answers: counted from the day the student graduated (their class archived by the
new-year wizard). The item-by-item answers and any saved draft are removed; the submission and
its scores stay, so the archive keeps the results over time and the semester numbers (coverage,
bands) stay. Anonymous screenings keep no student and are not personal data: they are not
touched.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives.models import Invitation, Submission
from counseling.schoolyear.registry import RetentionKind
from counseling.schoolyear.services import graduated_students


def expired_answers(cutoff: datetime.datetime) -> QuerySet:
    return Submission.objects.filter(student__in=graduated_students(cutoff), redacted_at__isnull=True)


def redact_answers(submission: Submission) -> None:
    submission.answers = ""
    submission.redacted_at = timezone.now()
    submission.save(update_fields=["answers", "redacted_at"])
    Invitation.objects.filter(screening_id=submission.screening_id, student_id=submission.student_id).update(draft="")


KINDS = [
    RetentionKind(
        key="archives.screening_answers",
        label=_("Screening answers"),
        event=_("student graduated"),
        default_months=12,
        expired=expired_answers,
        remove=redact_answers,
        student_id=lambda submission: submission.student_id,
        describe=lambda submission: f"#{submission.pk} {timezone.localtime(submission.submitted_at):%Y-%m-%d}",
        anonymises=True,
    ),
]
