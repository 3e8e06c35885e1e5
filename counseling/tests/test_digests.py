"""The counselors' 7:00 digest and the head counselor's weekly note."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from appointments.models import AppointmentStatus
from appointments.tests.factories import AppointmentFactory
from counseling.cases.tests.factories import NOTE_WORDS, CaseFactory, NoteFactory
from counseling.models import Notification, OutboxMessage
from counseling.services.digest import send_daily_digests, send_weekly_note
from counseling.services.notify import deliver_due


@pytest.fixture
def busy_day(student, counselor):
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time(16, 30)))
    AppointmentFactory(
        student=student,
        counselor=counselor,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=45),
        status=AppointmentStatus.CONFIRMED,
    )
    case = CaseFactory(student=student, counselor=counselor)
    NoteFactory(case=case, held_on=today - datetime.timedelta(days=3))
    return today


@pytest.mark.django_db
def test_the_digest_lists_names_and_times_and_is_sent_once_a_day(busy_day, counselor, other_counselor, student) -> None:
    assert send_daily_digests(busy_day) == 1
    assert send_daily_digests(busy_day) == 0
    deliver_due()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [counselor.email]
    # The e-mail says only that the digest waits; the digest itself is in the app.
    assert message.subject == "心理辅导室：今日摘要"
    assert student.name not in message.body
    digest = Notification.objects.get(user=counselor)
    assert "16:30" in digest.body
    assert student.name in digest.body
    assert NOTE_WORDS[:6] not in digest.body
    # A colleague with nothing today gets no digest.
    assert not OutboxMessage.objects.filter(recipient=other_counselor).exists()


@pytest.mark.django_db
def test_the_weekly_note_reaches_the_head_with_numbers_only(busy_day, head, student) -> None:
    monday = busy_day + datetime.timedelta(days=7 - busy_day.weekday())
    assert send_weekly_note(monday) == 1
    assert send_weekly_note(monday) == 0
    deliver_due()
    message = mail.outbox[0]
    assert message.to == [head.email]
    assert message.subject == "心理辅导室：本周摘要"
    note = Notification.objects.get(user=head)
    assert "心理辅导室上周工作" in note.title
    assert student.name not in message.body + note.body
    assert NOTE_WORDS[:6] not in message.body


@pytest.mark.django_db
def test_leaders_and_class_teachers_get_the_digest_their_lines_are_computed_for(
    leader, class_teacher, school_class, student, counselor
) -> None:
    """The apps compute lines for a leader (a crisis not yet acknowledged) and a class teacher (a
    zero report due): the 7:00 digest reaches them too, and its e-mail stays quiet."""
    from archives.tests.factories import ReportingWindowFactory
    from counseling.cases.tests.factories import EscalationFactory

    EscalationFactory(case=CaseFactory(student=student, counselor=counselor))
    window = ReportingWindowFactory()
    today = timezone.localdate()
    send_daily_digests(today)
    leader_digest = OutboxMessage.objects.get(recipient=leader, dedupe_key=f"digest:{leader.pk}:{today.isoformat()}")
    assert student.name in leader_digest.body
    teacher_digest = OutboxMessage.objects.get(recipient=class_teacher)
    assert window.title in teacher_digest.body and str(school_class) in teacher_digest.body
    deliver_due()
    leader_mail = next(message for message in mail.outbox if message.to == [leader.email])
    assert student.name not in leader_mail.subject + leader_mail.body
