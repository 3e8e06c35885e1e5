"""Class teachers: completion of their own class, never answers or scores; flagged pupils with
what is asked of them, never the reason or notes; their own log for those pupils."""

from __future__ import annotations

import pytest
from django.urls import reverse

from archives.models import ClassLogEntry, Invitation
from archives.services import screenings
from archives.tests.factories import FocusEntryFactory, gad7_answers, phq9_answers
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def classmate(school_class):
    return make_student("classmate", school_class, student_number="20259999")


def test_class_teacher_sees_completion_not_answers(
    classmate, screening, student, class_teacher, other_student, client_for
) -> None:
    invitation = Invitation.objects.get(screening=screening, student=student)
    screenings.submit(invitation, {"phq9": phq9_answers(21, item9=2), "gad7": gad7_answers(17)})
    response = client_for(class_teacher).get(reverse("archives:class_completion"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "初一心理普查" in page
    assert 'data-answered="1" data-invited="2"' in page
    # Who has not answered yet is named; what anyone answered is not.
    assert classmate.get_full_name() in page
    # (The names shown may carry digits of their own: "用户1712".)
    main = page.split('<main id="main"')[1].split("</main>")[0].replace("2026", "")
    main = main.replace(classmate.get_full_name(), "").replace(class_teacher.get_full_name(), "")
    for secret in ("21", "17", "重度", "Severe", "severe", "critical", "严重"):
        assert secret not in main
    # Another class is not shown.
    assert other_student.get_full_name() not in page


def test_class_teacher_does_not_see_names_for_anonymous_screenings(
    phq9, school_class, student, classmate, class_teacher, client_for
) -> None:
    from archives.tests.factories import published

    published([phq9], [school_class], is_anonymous=True, title="匿名问卷")
    page = client_for(class_teacher).get(reverse("archives:class_completion")).content.decode()
    assert "匿名问卷" in page
    assert classmate.get_full_name() not in page


def test_class_teacher_cannot_reach_answers_or_results(screening, student, class_teacher, client_for) -> None:
    invitation = Invitation.objects.get(screening=screening, student=student)
    outcome = screenings.submit(invitation, {"phq9": phq9_answers(3), "gad7": gad7_answers(3)})
    client = client_for(class_teacher)
    assert client.get(reverse("archives:submission_detail", args=[outcome.submission.pk])).status_code == 403
    assert client.get(reverse("archives:screening_results", args=[screening.pk])).status_code == 403
    assert client.get(reverse("archives:archive_detail", args=[student.pk])).status_code == 403


def test_class_teacher_sees_flagged_pupils_with_the_request_only(
    student, other_student, class_teacher, counselor, client_for
) -> None:
    entry = FocusEntryFactory(
        student=student, started_by=counselor, teacher_request="每周谈心一次", note="父母离异，情绪低落"
    )
    FocusEntryFactory(student=other_student, started_by=counselor, teacher_request="关注出勤")
    page = client_for(class_teacher).get(reverse("archives:class_focus")).content.decode()
    assert student.get_full_name() in page
    assert "每周谈心一次" in page
    assert "重点关注" in page  # the level
    assert "父母离异" not in page  # the counselor's note
    listing = page.split('data-testid="class-focus"')[1].split("</main>")[0]
    assert entry.category.name_zh not in listing and entry.category.name_en not in listing  # the reason
    assert other_student.get_full_name() not in page
    assert "关注出勤" not in page


def test_class_teacher_logs_a_flagged_pupil_of_their_class(
    student, other_student, class_teacher, counselor, client_for
) -> None:
    entry = FocusEntryFactory(student=student, started_by=counselor)
    other_entry = FocusEntryFactory(student=other_student, started_by=counselor)
    client = client_for(class_teacher)
    response = client.post(
        reverse("archives:class_log_add"),
        {"entry": entry.pk, "date": "2026-01-05", "channel": "face_to_face", "text": "课间谈心，情绪稳定"},
    )
    assert response.status_code == 302
    log = ClassLogEntry.objects.get()
    assert (log.student, log.teacher, log.text) == (student, class_teacher, "课间谈心，情绪稳定")
    # A pupil of another class is not a choice.
    response = client.post(
        reverse("archives:class_log_add"),
        {"entry": other_entry.pk, "date": "2026-01-05", "channel": "face_to_face", "text": "x"},
    )
    assert response.status_code == 400
    assert ClassLogEntry.objects.count() == 1
    assert "课间谈心" in client.get(reverse("archives:class_focus")).content.decode()


def test_other_teacher_sees_nothing_of_this_class(student, other_teacher, counselor, client_for) -> None:
    FocusEntryFactory(student=student, started_by=counselor)
    page = client_for(other_teacher).get(reverse("archives:class_focus")).content.decode()
    assert student.get_full_name() not in page


def test_class_teacher_home_panel(student, class_teacher, counselor, screening, client_for) -> None:
    FocusEntryFactory(student=student, started_by=counselor)
    page = client_for(class_teacher).get(reverse("home")).content.decode()
    assert 'data-testid="class-teacher-panel"' in page
    assert "初一心理普查" in page
