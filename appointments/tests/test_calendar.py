"""iCalendar: the counselor's secret, revocable feed and the student's .ics download."""

from __future__ import annotations

import pytest
from django.urls import reverse
from icalendar import Calendar

from appointments.enums import AppointmentStatus
from appointments.models import CalendarFeed
from appointments.tests.conftest import at
from appointments.tests.factories import AppointmentFactory, GroupSessionFactory

pytestmark = pytest.mark.django_db


def events(response) -> list:
    assert response["Content-Type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_the_feed_shows_appointments_without_names(login, counselor, student, other_counselor, other_student) -> None:
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25), room="301")
    AppointmentFactory(
        student=student, counselor=counselor, starts_at=at(2, 17, 25), status=AppointmentStatus.CANCELLED
    )
    AppointmentFactory(student=other_student, counselor=other_counselor, starts_at=at(1, 17, 25))
    GroupSessionFactory(counselor=counselor, starts_at=at(3, 14, 0), ends_at=at(3, 15, 0))
    login(counselor).post(reverse("appointments:feed_settings"), {"action": "rotate"})
    feed = CalendarFeed.objects.get(counselor=counselor)
    response = login(None).get(reverse("appointments:feed", args=[feed.token]))
    found = events(response)
    assert len(found) == 2
    appointment = next(e for e in found if str(e["summary"]) == "Counseling appointment")
    assert str(appointment["location"]) == "301"
    assert appointment.decoded("dtstart") == at(1, 17, 25)
    text = response.content.decode()
    assert student.name not in text
    assert other_student.name not in text
    assert "Group counseling session" in text


def test_the_feed_address_can_be_replaced_and_revoked(login, counselor) -> None:
    client = login(counselor)
    client.post(reverse("appointments:feed_settings"), {"action": "rotate"})
    old = CalendarFeed.objects.get().token
    assert old in client.get(reverse("appointments:feed_settings")).content.decode()
    client.post(reverse("appointments:feed_settings"), {"action": "rotate"})
    new = CalendarFeed.objects.get().token
    assert new != old
    assert login(None).get(reverse("appointments:feed", args=[old])).status_code == 404
    assert login(None).get(reverse("appointments:feed", args=[new])).status_code == 200
    client.post(reverse("appointments:feed_settings"), {"action": "revoke"})
    assert login(None).get(reverse("appointments:feed", args=[new])).status_code == 404
    assert login(None).get(reverse("appointments:feed", args=["guess-" + "a" * 40])).status_code == 404


def test_a_student_downloads_their_own_appointment(login, student, other_student, counselor) -> None:
    mine = AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25), room="301")
    response = login(student).get(reverse("appointments:ics", args=[mine.pk]))
    (event,) = events(response)
    assert str(event["summary"]) == "Counseling appointment"
    assert str(event["location"]) == "301"
    assert counselor.name in str(event["description"])
    assert response["Content-Disposition"] == f'attachment; filename="counseling-{mine.pk}.ics"'
    assert login(other_student).get(reverse("appointments:ics", args=[mine.pk])).status_code == 404
