"""The student archive: what it shows, the trend chart, audited reading and printing, access."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archives.models import Invitation
from archives.services import screenings
from archives.tests.factories import ClassLogEntryFactory, FocusEntryFactory, gad7_answers, phq9_answers, published
from counseling.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(phq9, gad7, school_class, student, counselor, class_teacher):
    """Two screenings a term apart, a focus entry and a class teacher's log entry."""
    first = published([phq9, gad7], [school_class], by=counselor, title="秋季普查")
    screenings.submit(
        Invitation.objects.get(screening=first, student=student), {"phq9": phq9_answers(6), "gad7": gad7_answers(4)}
    )
    second = published([phq9], [school_class], by=counselor, title="春季普查")
    screenings.submit(Invitation.objects.get(screening=second, student=student), {"phq9": phq9_answers(12)})
    entry = FocusEntryFactory(student=student, started_by=counselor, note="需要持续关注")
    ClassLogEntryFactory(
        student=student,
        school_class=school_class,
        teacher=class_teacher,
        date=timezone.localdate() - datetime.timedelta(days=1),
    )
    return entry


def test_archive_shows_the_students_story(history, student, counselor, client_for) -> None:
    response = client_for(counselor).get(reverse("archives:archive_detail", args=[student.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert student.student_profile.student_number in page
    assert "秋季普查" in page and "春季普查" in page
    assert "<svg" in page  # the trend chart, inline
    assert "<polyline" in page
    assert "需要持续关注" in page  # the counselor's focus note
    assert "课间谈心" in page  # the class teacher's log
    assert 'style="' not in page


def test_reading_and_printing_are_audited(history, student, counselor, client_for) -> None:
    client = client_for(counselor)
    client.get(reverse("archives:archive_detail", args=[student.pk]))
    client.get(reverse("archives:archive_print", args=[student.pk]))
    entries = AuditEntry.objects.filter(student_id=student.pk, actor=counselor, object_type="counseling.user")
    assert list(entries.values_list("action", flat=True)) == ["view", "print"]


def test_archive_shows_contact_facts_from_the_case_records(student, counselor, client_for) -> None:
    from counseling.cases.enums import CaseSource
    from counseling.cases.services import open_case

    open_case(student=student, counselor=counselor, source=CaseSource.SELF_BOOKED, opened_by=counselor)
    page = client_for(counselor).get(reverse("archives:archive_detail", args=[student.pk])).content.decode()
    assert counselor.get_full_name() in page


def test_only_counseling_staff_open_archives(
    history, student, other_student, class_teacher, leader, administrator, head, client_for
) -> None:
    for user in (student, other_student, class_teacher, leader, administrator):
        assert client_for(user).get(reverse("archives:archive_detail", args=[student.pk])).status_code == 403
    assert client_for(head).get(reverse("archives:archive_detail", args=[student.pk])).status_code == 200


def test_a_non_student_archive_is_404(counselor, head, client_for) -> None:
    assert client_for(counselor).get(reverse("archives:archive_detail", args=[head.pk])).status_code == 404


def test_search_finds_students_by_name_and_number(student, other_student, counselor, client_for) -> None:
    client = client_for(counselor)
    page = client.get(reverse("archives:archive_list"), {"q": student.student_profile.student_number}).content.decode()
    assert student.get_full_name() in page and other_student.get_full_name() not in page


def test_answers_page_is_audited_and_marks_critical_items(screening, student, counselor, client_for) -> None:
    outcome = screenings.submit(
        Invitation.objects.get(screening=screening, student=student),
        {"phq9": phq9_answers(5, item9=2), "gad7": gad7_answers(0)},
    )
    page = (
        client_for(counselor).get(reverse("archives:submission_detail", args=[outcome.submission.pk])).content.decode()
    )
    assert "有不如死掉或用某种方式伤害自己的念头" in page
    assert "table-danger" in page
    assert AuditEntry.objects.filter(object_type="archives.submission", action="view").exists()


def test_anonymous_answers_are_not_reachable(phq9, school_class, student, counselor, client_for) -> None:
    anonymous = published([phq9], [school_class], is_anonymous=True)
    outcome = screenings.submit(Invitation.objects.get(screening=anonymous, student=student), {"phq9": phq9_answers(5)})
    assert (
        client_for(counselor).get(reverse("archives:submission_detail", args=[outcome.submission.pk])).status_code
        == 404
    )
