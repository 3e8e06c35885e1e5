"""The guardian-consent rule (counseling.schoolyear) applied to screenings: a student it keeps out
sees no survey, stores no answer and gets no reminder; opted-out students are counted apart."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archives.models import Invitation, Submission
from archives.services import screenings
from archives.tests.factories import phq9_answers, post_data, published
from counseling.enums import ConsentMethod, ConsentPurpose, ConsentState
from counseling.services.consent import record_consent

pytestmark = pytest.mark.django_db


def aged(student, years: int) -> None:
    today = timezone.localdate()
    profile = student.student_profile
    profile.date_of_birth = today.replace(year=today.year - years, day=min(today.day, 28))
    profile.save(update_fields=["date_of_birth"])


def consent(student, state, by) -> None:
    record_consent(
        student=student,
        purpose=ConsentPurpose.SCREENING,
        state=state,
        dated=timezone.localdate() - datetime.timedelta(days=1),
        method=ConsentMethod.PAPER,
        by=by,
    )


def test_a_younger_student_without_consent_cannot_answer_a_named_screening(
    phq9, school_class, student, class_teacher, client_for
) -> None:
    aged(student, 12)
    screening = published([phq9], [school_class])
    client = client_for(student)
    assert reverse("archives:survey", args=[screening.pk]) not in client.get(reverse("home")).content.decode()
    page = client.get(reverse("archives:survey", args=[screening.pk])).content.decode()
    assert "监护人同意" in page
    response = client.post(
        reverse("archives:survey", args=[screening.pk]), post_data(screening, {"phq9": phq9_answers(3)})
    )
    assert response.status_code == 400
    assert not Submission.objects.exists()
    # Once the guardian's consent is on record, the survey is there.
    consent(student, ConsentState.GIVEN, class_teacher)
    assert reverse("archives:survey", args=[screening.pk]) in client.get(reverse("home")).content.decode()
    client.post(reverse("archives:survey", args=[screening.pk]), post_data(screening, {"phq9": phq9_answers(3)}))
    assert Submission.objects.filter(student=student).exists()


def test_a_younger_student_may_answer_an_anonymous_screening(phq9, school_class, student, client_for) -> None:
    aged(student, 12)
    screening = published([phq9], [school_class], is_anonymous=True)
    client_for(student).post(
        reverse("archives:survey", args=[screening.pk]), post_data(screening, {"phq9": phq9_answers(3)})
    )
    assert Submission.objects.filter(screening=screening, student__isnull=True).count() == 1


def test_an_opted_out_student_is_out_of_every_screening_and_counted_apart(
    phq9, school_class, student, class_teacher, counselor, client_for
) -> None:
    consent(student, ConsentState.REFUSED, class_teacher)
    named = published([phq9], [school_class], by=counselor)
    anonymous = published([phq9], [school_class], by=counselor, is_anonymous=True)
    for screening in (named, anonymous):
        invitation = Invitation.objects.select_related("screening").get(screening=screening, student=student)
        with pytest.raises(screenings.ConsentRequiredError):
            screenings.submit(invitation, {"phq9": phq9_answers(2)})
    assert screenings.pending_for(student) == []
    assert screenings.send_reminders(named, manual=True) == 0
    rows = screenings.completion_by_class(named)
    assert rows == [{"school_class_id": school_class.pk, "invited": 1, "answered": 0, "opted_out": 1}]
    page = client_for(class_teacher).get(reverse("archives:class_completion")).content.decode()
    assert student.get_full_name() not in page
    assert "1 名学生不参加（监护人的决定）。" in page


def test_paper_sheets_follow_the_rule_too(phq9, school_class, student, counselor, client_for) -> None:
    aged(student, 12)
    screening = published([phq9], [school_class], by=counselor)
    response = client_for(counselor).get(
        reverse("archives:screening_paper", args=[screening.pk]), {"number": student.student_profile.student_number}
    )
    assert response.status_code == 409
    assert not Submission.objects.exists()
