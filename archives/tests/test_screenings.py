"""Counselors running a screening: create a draft, publish to the targeted students, paper sheets."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archives.models import Invitation, Screening, ScreeningStatus, Submission, SubmissionSource, TargetScope
from archives.tests.factories import gad7_answers, phq9_answers, post_data, published
from counseling.models import AuditEntry
from counseling.tests.factories import GradeFactory, SchoolClassFactory, make_student

pytestmark = pytest.mark.django_db


def form_data(phq9, **extra) -> dict:
    now = timezone.localtime()
    return {
        "title": "初一新生普查",
        "description": "请在安静的地方认真作答。",
        "instruments": [phq9.pk],
        f"warn_{phq9.pk}": "moderate",
        "scope": TargetScope.GRADES,
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        **extra,
    }


def test_counselor_creates_and_publishes_a_grade_screening(
    phq9, gad7, grade, school_class, other_class, student, other_student, counselor, client_for
) -> None:
    other_grade = GradeFactory(level=2, name="八年级")
    outsider = make_student("grade8", SchoolClassFactory(grade=other_grade, number=1), student_number="20249999")
    client = client_for(counselor)
    response = client.post(reverse("archives:screening_create"), form_data(phq9, grades=[grade.pk]))
    assert response.status_code == 302
    screening = Screening.objects.get()
    assert screening.status == ScreeningStatus.DRAFT
    assert not Invitation.objects.exists()
    assert list(screening.parts.values_list("instrument__code", "warn_band")) == [("phq9", "moderate")]
    client.post(reverse("archives:screening_publish", args=[screening.pk]))
    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.PUBLISHED
    assert set(Invitation.objects.values_list("student", flat=True)) == {student.pk, other_student.pk}
    assert not Invitation.objects.filter(student=outsider).exists()
    # Publishing twice invites nobody twice.
    client.post(reverse("archives:screening_publish", args=[screening.pk]))
    assert Invitation.objects.count() == 2
    assert AuditEntry.objects.filter(object_type="archives.screening", detail__startswith="published").count() == 1


def test_the_form_refuses_a_window_that_closes_before_it_opens(phq9, grade, counselor, client_for) -> None:
    now = timezone.localtime()
    data = form_data(phq9, grades=[grade.pk], closes_at=(now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    assert client_for(counselor).post(reverse("archives:screening_create"), data).status_code == 400
    assert (
        client_for(counselor).post(reverse("archives:screening_create"), form_data(phq9)).status_code == 400
    )  # no grade chosen
    assert not Screening.objects.exists()


def test_a_published_screening_cannot_be_edited(screening, counselor, client_for) -> None:
    response = client_for(counselor).get(reverse("archives:screening_edit", args=[screening.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("archives:screening_detail", args=[screening.pk])
    client = client_for(counselor)
    page = client.get(reverse("archives:screening_edit", args=[screening.pk]), follow=True).content.decode()
    assert "已发布的普查不能修改。" in page


def test_counselor_records_a_paper_answer_sheet(screening, student, counselor, client_for) -> None:
    url = reverse("archives:screening_paper", args=[screening.pk])
    number = student.student_profile.student_number
    client = client_for(counselor)
    page = client.get(url, {"number": number}).content.decode()
    assert student.get_full_name() in page
    incomplete = client.post(f"{url}?number={number}", post_data(screening, {"phq9": phq9_answers(4)}))
    assert incomplete.status_code == 400
    assert not Submission.objects.exists()
    response = client.post(
        f"{url}?number={number}", post_data(screening, {"phq9": phq9_answers(4), "gad7": gad7_answers(3)})
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert (submission.student, submission.source, submission.entered_by) == (
        student,
        SubmissionSource.PAPER,
        counselor,
    )
    assert AuditEntry.objects.filter(object_type="archives.submission", action="create", actor=counselor).exists()
    # The same sheet cannot be recorded twice.
    assert client.get(url, {"number": number}).status_code == 409


def test_paper_sheets_can_be_recorded_after_the_window_closed(phq9, school_class, student, counselor) -> None:
    from archives.services import screenings

    screening = published([phq9], [school_class], by=counselor)
    Screening.objects.filter(pk=screening.pk).update(closes_at=timezone.now() - datetime.timedelta(hours=1))
    invitation = Invitation.objects.select_related("screening").get(screening=screening, student=student)
    with pytest.raises(screenings.WindowClosedError):
        screenings.submit(invitation, {"phq9": phq9_answers(4)})
    screenings.submit(invitation, {"phq9": phq9_answers(4)}, source=SubmissionSource.PAPER, entered_by=counselor)
    assert Submission.objects.count() == 1


def test_unknown_student_number_is_a_clear_message(screening, counselor, client_for) -> None:
    response = client_for(counselor).get(reverse("archives:screening_paper", args=[screening.pk]), {"number": "nobody"})
    assert response.status_code == 404
    assert "本次普查没有邀请这个学号的学生。" in response.content.decode()


def test_close_now_ends_the_window(screening, counselor, client_for) -> None:
    client_for(counselor).post(reverse("archives:screening_close", args=[screening.pk]))
    screening.refresh_from_db()
    assert not screening.is_open()


def test_age_range_notice_before_publishing(phq9, grade, school_class, counselor, client_for) -> None:
    young = make_student(
        "young",
        school_class,
        student_number="20300001",
        date_of_birth=timezone.localdate().replace(year=timezone.localdate().year - 10),
    )
    client = client_for(counselor)
    client.post(reverse("archives:screening_create"), form_data(phq9, grades=[grade.pk]))
    page = client.get(
        reverse("archives:screening_detail", args=[Screening.objects.get().pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "outside the age range of PHQ-9 (12+)" in page
    assert young.pk
