"""The aggregate numbers for reports, the statistics page, and the daily digest lines."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from counseling.cases.digest import items_for, week_numbers
from counseling.cases.enums import CaseSource
from counseling.cases.reporting import summary
from counseling.cases.tests.factories import (
    NOTE_WORDS,
    CaseFactory,
    EscalationFactory,
    FollowUpFactory,
    NoteFactory,
    ReferralFactory,
)
from counseling.models import ConcernCategory
from counseling.tests import notices
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START, END = TODAY - datetime.timedelta(days=30), TODAY + datetime.timedelta(days=1)


def _acknowledged(case, minutes: int):
    raised = timezone.now() - datetime.timedelta(hours=1)
    return EscalationFactory(
        case=case,
        raised_at=raised,
        acknowledged_at=raised + datetime.timedelta(minutes=minutes),
        acknowledged_by=case.counselor,
    )


def test_summary_counts_cases_referrals_crises_and_notes(case, counselor, other_counselor, other_student) -> None:
    study = ConcernCategory.objects.get(code="study")
    case.categories.set([study])
    other = CaseFactory(student=other_student, counselor=other_counselor, source=CaseSource.MAILBOX)
    other.categories.set([study, ConcernCategory.objects.get(code="family")])
    NoteFactory(case=case, duration_minutes=40)
    NoteFactory(case=case, duration_minutes=50, channel="phone")
    NoteFactory(case=other, duration_minutes=30, signed_at=timezone.now(), signed_by=other_counselor)
    ReferralFactory(case=case)
    for minutes in (2, 4, 30):
        _acknowledged(case, minutes)
    EscalationFactory(case=other)
    numbers = summary(START, END)
    assert numbers["cases_opened"] == 2
    assert numbers["cases_by_source"] == {"mailbox": 1, "self_booked": 1}
    assert numbers["cases_by_category"] == {"family": 1, "study": 2}
    assert numbers["referrals"] == 1
    assert numbers["crises"] == 4 and numbers["crises_unacknowledged"] == 1
    assert numbers["ack_minutes_median"] == 4.0
    assert numbers["ack_minutes_max"] == 30.0
    assert numbers["notes"] == 3 and numbers["session_minutes"] == 120 and numbers["students_seen"] == 2
    assert numbers["notes_by_counselor"] == {counselor.pk: 2, other_counselor.pk: 1}
    assert numbers["notes_by_channel"] == {"face_to_face": 2, "phone": 1}
    assert numbers["notes_unsigned"] == 2
    assert NOTE_WORDS not in repr(numbers) and case.student.name not in repr(numbers)


def test_summary_median_of_an_even_count_and_of_nothing(case) -> None:
    assert summary(START, END)["ack_minutes_median"] is None
    _acknowledged(case, 2)
    _acknowledged(case, 6)
    assert summary(START, END)["ack_minutes_median"] == 4.0


def test_summary_runs_the_same_queries_for_few_or_many_rows(counselor, school_class) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            summary(START, END)
        return len(captured)

    first = CaseFactory(student=make_student("a", school_class, student_number="40000000"), counselor=counselor)
    NoteFactory(case=first)
    _acknowledged(first, 3)
    few = queries()
    for number in range(1, 20):
        case = CaseFactory(
            student=make_student(f"a{number}", school_class, student_number=f"4{number:07d}"), counselor=counselor
        )
        NoteFactory(case=case)
        _acknowledged(case, number)
    assert queries() == few


def test_statistics_page_shows_numbers_without_names(client_for, case, leader, administrator, counselor) -> None:
    NoteFactory(case=case)
    for user in (leader, administrator):
        page = client_for(user).get(reverse("cases:statistics")).content.decode()
        assert 'data-testid="figures"' in page
        assert case.student.name not in page and NOTE_WORDS not in page
    assert client_for(counselor).get(reverse("cases:statistics")).status_code == 403


def test_digest_lists_unsigned_notes_and_due_follow_ups_with_names_only(case, counselor, other_counselor, head) -> None:
    NoteFactory(case=case, held_on=TODAY - datetime.timedelta(days=2))
    NoteFactory(case=case, signed_at=timezone.now(), signed_by=counselor)
    FollowUpFactory(case=case, due_on=TODAY, purpose="秘密回访内容")
    FollowUpFactory(case=case, due_on=TODAY + datetime.timedelta(days=3))
    lines = notices.lines(items_for(counselor, TODAY))
    assert len(lines) == 2
    assert all(case.student.get_full_name() in line for line in lines)
    assert NOTE_WORDS not in "".join(lines) and "秘密回访内容" not in "".join(lines)
    assert items_for(other_counselor, TODAY) == []


def test_digest_reminds_the_head_and_leaders_of_unacknowledged_crises(case, head, leader, student) -> None:
    EscalationFactory(case=case)
    assert len(items_for(leader, TODAY)) == 1
    assert student.get_full_name() in notices.lines(items_for(head, TODAY))[0]
    assert items_for(student, TODAY) == []


def test_week_numbers(case) -> None:
    NoteFactory(case=case)
    assert sorted(week_numbers(START, END).values()) == [0, 1, 1]
