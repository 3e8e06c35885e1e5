"""The term report's numbers and the daily digest lines: aggregates and names/times only."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments import digest, reporting
from appointments.enums import AppointmentStatus
from appointments.models import DutyRota, GroupParticipant
from appointments.tests.conftest import at
from appointments.tests.factories import AppointmentFactory, GroupSessionFactory, MailboxItemFactory
from counseling.models import ConcernCategory
from counseling.tests import notices

pytestmark = pytest.mark.django_db


@pytest.fixture
def term_activity(student, other_student, counselor, other_counselor):
    family = ConcernCategory.objects.get(code="family")
    AppointmentFactory(
        student=student,
        counselor=counselor,
        starts_at=at(-7, 10),
        status=AppointmentStatus.ATTENDED,
        is_first_visit=True,
        topic=family,
    )
    AppointmentFactory(
        student=student, counselor=counselor, starts_at=at(-3, 10), status=AppointmentStatus.ATTENDED, channel="phone"
    )
    AppointmentFactory(
        student=other_student, counselor=other_counselor, starts_at=at(-3, 10), status=AppointmentStatus.NO_SHOW
    )
    AppointmentFactory(
        student=other_student, counselor=other_counselor, starts_at=at(-2, 10), status=AppointmentStatus.CANCELLED
    )
    AppointmentFactory(
        student=other_student, counselor=other_counselor, starts_at=at(-40, 10), status=AppointmentStatus.ATTENDED
    )
    session = GroupSessionFactory(
        counselor=counselor, starts_at=at(-1, 14), ends_at=at(-1, 15), capacity=6, seats_taken=2
    )
    GroupParticipant.objects.create(session=session, student=student)
    GroupParticipant.objects.create(session=session, student=other_student)
    MailboxItemFactory(sender=student, is_anonymous=True, kind="letter")
    MailboxItemFactory(sender=other_student)
    return family


def test_the_summary_counts_the_period(term_activity, counselor, grade) -> None:
    start, end = at(-10, 0).date(), at(0, 0).date()
    with CaptureQueriesContext(connection) as queries:
        result = reporting.summary(start, end)
    assert len(queries.captured_queries) <= 12
    assert result["sessions"] == 2
    assert result["unique_students"] == 1
    assert result["first_visits"] == 1
    assert result["no_shows"] == 1
    assert result["cancelled"] == 1
    assert result["sessions_by_channel"] == {"face_to_face": 1, "phone": 1}
    assert result["sessions_by_counselor"] == [{"counselor_id": counselor.pk, "sessions": 2}]
    assert result["sessions_by_grade"] == [{"grade_id": grade.pk, "grade": grade.name, "sessions": 2}]
    assert {row["topic_code"]: row["sessions"] for row in result["sessions_by_topic"]} == {"family": 1, None: 1}
    assert (result["group_sessions"], result["group_participants"], result["group_seats"]) == (1, 2, 6)
    assert (result["mailbox_items"], result["mailbox_anonymous"]) == (2, 1)
    assert result["mailbox_by_kind"] == {"letter": 1, "request": 1}


def test_the_summary_has_no_names(term_activity, student) -> None:
    text = repr(reporting.summary(at(-60, 0).date(), at(0, 0).date()))
    assert student.name not in text


def test_the_counselors_digest(counselor, student, head, english) -> None:
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(0, 17, 25))
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    MailboxItemFactory(sender=student)
    DutyRota.objects.create(weekday=0, counselor=counselor)
    lines = notices.lines(digest.items_for(counselor, at(0, 0).date()))
    assert lines[0] == f"{notices.time(at(0, 17, 25))} appointment with {student.name} (Face to face)"
    assert lines[1].startswith(f"1 mailbox item waiting, the oldest from {notices.day(at(0, 0).date())}")
    assert lines[2] == "You are on mailbox duty today."
    assert len(lines) == 3


def test_the_students_digest(counselor, student, english) -> None:
    AppointmentFactory(
        student=student, counselor=counselor, starts_at=at(0, 17, 25), topic=ConcernCategory.objects.get(code="family")
    )
    assert notices.lines(digest.items_for(student, at(0, 0).date())) == [
        f"{notices.time(at(0, 17, 25))} counseling appointment with {counselor.name}"
    ]
    assert digest.items_for(student, at(1, 0).date()) == []


def test_nobody_else_gets_lines(leader, administrator, class_teacher, student, counselor) -> None:
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(0, 17, 25))
    MailboxItemFactory(sender=student)
    day = at(0, 0).date() + datetime.timedelta(days=0)
    assert digest.items_for(leader, day) == []
    assert digest.items_for(administrator, day) == []
    assert digest.items_for(class_teacher, day) == []
