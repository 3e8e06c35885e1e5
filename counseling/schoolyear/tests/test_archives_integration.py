"""Screenings and graduates: the guardian-consent rule, the archive after the new-year wizard,
screening answers in retention and the archive in a student's data export."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from archives.models import Invitation, Result, Submission
from archives.services import screenings
from archives.services.screenings import completion_by_class
from archives.tests.factories import builtin, phq9_answers, published
from counseling.enums import ConsentMethod, ConsentPurpose, ConsentState
from counseling.models import Term
from counseling.schoolyear.models import YearRollover
from counseling.schoolyear.services import retention
from counseling.schoolyear.services.rollover import apply_rollover, plan_rollover
from counseling.services.consent import record_consent

pytestmark = pytest.mark.django_db


def answered(student, school_class, counselor):
    """``student`` (14, so no consent is needed) answered a named PHQ-9 screening."""
    screening = published([builtin("phq9")], [school_class], by=counselor, title="初一心理普查")
    invitation = Invitation.objects.select_related("screening").get(screening=screening, student=student)
    screenings.submit(invitation, {"phq9": phq9_answers(6)})
    return Submission.objects.get(screening=screening, student=student)


def graduate_the_class(school_class, term, administrator) -> YearRollover:
    grade = school_class.grade
    grade.is_graduating = True
    grade.save(update_fields=["is_graduating"])
    year = term.school_year + 1
    Term.objects.create(
        name="next", school_year=year, semester=1, start=datetime.date(year, 9, 1), end=datetime.date(year + 1, 1, 20)
    )
    ids = {move.school_class.pk for move in plan_rollover().moves}
    return apply_rollover(to_year=year, class_ids=ids, teachers={}, by=administrator)


def test_a_refusal_keeps_the_student_out_and_is_counted_apart(student, school_class, class_teacher, counselor) -> None:
    screening = published([builtin("phq9")], [school_class], by=counselor)
    record_consent(
        student=student,
        purpose=ConsentPurpose.SCREENING,
        state=ConsentState.REFUSED,
        dated=timezone.localdate(),
        method=ConsentMethod.PAPER,
        by=class_teacher,
    )
    invitation = Invitation.objects.select_related("screening").get(screening=screening, student=student)
    with pytest.raises(screenings.ConsentRequiredError):
        screenings.submit(invitation, {"phq9": phq9_answers(2)})
    row = next(r for r in completion_by_class(screening) if r["school_class_id"] == school_class.pk)
    assert (row["invited"], row["answered"], row["opted_out"]) == (1, 0, 1)
    assert not Submission.objects.exists()


def test_a_graduates_archive_is_intact_after_the_new_year(
    student, school_class, term, administrator, counselor, client_for
) -> None:
    submission = answered(student, school_class, counselor)
    graduate_the_class(school_class, term, administrator)
    student.refresh_from_db()
    assert student.student_profile.is_archived and not student.is_active
    page = client_for(counselor).get(reverse("archives:archive_detail", args=[student.pk])).content.decode()
    assert "PHQ-9" in page and "初一心理普查" in page
    assert Result.objects.filter(submission=submission).count() == 1


def test_a_graduates_answers_go_after_the_period_and_the_scores_stay(
    student, school_class, term, administrator, counselor, head
) -> None:
    submission = answered(student, school_class, counselor)
    rollover = graduate_the_class(school_class, term, administrator)
    assert [item.count for item in retention.status() if item.key == "archives.screening_answers"] == [0]
    YearRollover.objects.filter(pk=rollover.pk).update(applied_at=timezone.now() - datetime.timedelta(days=400))
    run = retention.apply(trigger="test", by=head)
    assert run.counts["archives.screening_answers"] == {"anonymised": 1}
    submission.refresh_from_db()
    assert submission.answer_data() == {} and submission.redacted_at is not None
    result = Result.objects.get(submission=submission)
    assert result.total == 6


def test_the_export_holds_the_results_and_answers_and_staff_notes_only_when_confirmed(
    student, school_class, counselor, head, client_for
) -> None:
    from archives.tests.factories import FocusEntryFactory

    answered(student, school_class, counselor)
    FocusEntryFactory(student=student, started_by=counselor, note="父母离异，近期情绪波动")
    client = client_for(head)
    url = reverse("schoolyear:export_student", args=[student.pk])
    plain = zipfile.ZipFile(io.BytesIO(client.post(url, {"reason": "家长申请"}).content))
    assert "初一心理普查" in plain.read("archives/screening_results.csv").decode("utf-8-sig")
    answers = json.loads(plain.read("archives/screening_answers.json"))
    assert answers[0]["answers"]["phq9"]
    assert "archives/staff_notes.txt" not in plain.namelist()
    confirmed = client.post(
        url,
        {
            "reason": "家长申请",
            "include_confidential": "on",
            "confidential_reason": "法院调取",
            "confirmed": "on",
            "confirm": "1",
        },
    )
    notes = zipfile.ZipFile(io.BytesIO(confirmed.content)).read("archives/staff_notes.txt").decode()
    assert "父母离异，近期情绪波动" in notes
