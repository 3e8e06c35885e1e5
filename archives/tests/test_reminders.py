"""Reminders for non-responders go through the outbox, keyed so that none repeats."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from archives.models import Invitation
from archives.services import screenings
from archives.tasks import send_survey_reminders
from archives.tests.factories import phq9_answers, published
from counseling.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(phq9, school_class, other_class, student, other_student, counselor):
    now = timezone.now()
    return published(
        [phq9],
        [school_class, other_class],
        by=counselor,
        opens_at=now - datetime.timedelta(minutes=5),
        closes_at=now + datetime.timedelta(days=6),
    )


def test_no_reminder_in_the_first_half_of_the_window(week) -> None:
    assert send_survey_reminders() == 0
    assert not OutboxMessage.objects.exists()


def test_non_responders_are_reminded_halfway_and_on_the_last_day_once_each(week, student, other_student) -> None:
    screenings.submit(Invitation.objects.get(screening=week, student=student), {"phq9": phq9_answers(2)})
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3, hours=1)):
        assert send_survey_reminders() == 1
        assert send_survey_reminders() == 0
    with time_machine.travel(week.closes_at - datetime.timedelta(hours=5)):
        assert send_survey_reminders() == 1
        assert send_survey_reminders() == 0
    messages = list(OutboxMessage.objects.order_by("id"))
    assert [m.recipient_id for m in messages] == [other_student.pk, other_student.pk]
    assert all(m.url == reverse("archives:survey", args=[week.pk]) for m in messages)
    assert all("PHQ" not in m.title for m in messages)


def test_a_manual_reminder_is_sent_at_most_once_a_day(week, counselor, client_for) -> None:
    client = client_for(counselor)
    client.post(reverse("archives:screening_remind", args=[week.pk]))
    client.post(reverse("archives:screening_remind", args=[week.pk]))
    assert OutboxMessage.objects.count() == 2  # two students, once each


def test_a_closed_screening_sends_no_reminder(week) -> None:
    with time_machine.travel(week.closes_at + datetime.timedelta(hours=1)):
        assert send_survey_reminders() == 0
