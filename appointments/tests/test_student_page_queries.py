"""A student's two busiest pages, home and booking, read an exact number of queries (issue 17).

Pinned as the tests see them: the tests run with the signed-in cache in local memory
(counseling/settings_test.py), so a warm request reads its session, user and unread count from
there and every query counted is the page's own; each test lists what its page reads. The rows
these pages format in Python (links, days, times, badges) are checked for the text the templates
used to write.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appointments.enums import AppointmentStatus, OfferStatus
from appointments.models import OfficeRules, WaitlistOffer, WeeklySchedule
from appointments.tests.conftest import at, key
from appointments.tests.factories import AppointmentFactory, WaitlistEntryFactory
from counseling.models import Notification

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> list[str]:
    OfficeRules.load()  # the school's rules row (created on first use, which forgets the cached hours)
    client.get(url)  # warm: the cached rules and opening hours
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def offer_for(student, counselor, starts_at: datetime.datetime) -> WaitlistOffer:
    entry = WaitlistEntryFactory(student=student)
    return WaitlistOffer.objects.create(
        entry=entry,
        counselor=counselor,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=30),
        expires_at=at(0, 13, 0),
        status=OfferStatus.OPEN,
    )


def test_a_students_home_reads_five_queries_however_many_appointments_they_have(login, student, counselor) -> None:
    # Of its own: the next three appointments (with the counselor's name) and a live waitlist
    # offer; the pending surveys; the events signed up for; and the unread notifications, only when
    # the menu's unread count (cached with the signed-in user) says there are some. The current
    # term comes from the shared cache with the signed-in user (counseling.services.signedin).
    # A student teaches no class: their classes are not looked for.
    client = login(student)
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    assert len(queries(client, reverse("home"))) == 4
    Notification.objects.create(user=student, title="A new time is offered")
    assert len(queries(client, reverse("home"))) == 5
    assert "A new time is offered" in client.get(reverse("home")).content.decode()
    # Three more appointments and an offer: the same queries.
    for days in (2, 3, 4):
        AppointmentFactory(student=student, counselor=counselor, starts_at=at(days, 17, 25))
    offer_for(student, counselor, at(1, 17, 55))
    statements = queries(client, reverse("home"))
    assert len(statements) == 5
    assert not [sql for sql in statements if "counseling_schoolclass" in sql and "class_teacher_id" in sql]


def test_the_home_panel_shows_each_appointment_and_the_offer(login, student, counselor) -> None:
    first = AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    AppointmentFactory(
        student=student, counselor=counselor, starts_at=at(2, 17, 25), status=AppointmentStatus.REQUESTED
    )
    offer_for(student, counselor, at(3, 17, 55))
    page = login(student).get(reverse("home")).content.decode()
    detail = reverse("appointments:detail", args=[first.pk])
    assert (
        f'<a href="{detail}">Tuesday 17 Nov 2026, 17:25</a> · {counselor.name} '
        '<span class="badge text-bg-light border" data-testid="status">Upcoming</span>'
    ) in page
    assert (
        f"Wednesday 18 Nov 2026, 17:25</a> · {counselor.name} "
        '<span class="badge text-bg-warning" data-testid="status">Requested</span>'
    ) in page
    assert f"A time is free for you: 19 Nov 2026, 17:55 with {counselor.name}. Answer by 16 Nov 2026, 13:00." in page
    assert f'<a href="{reverse("appointments:mine")}" class="alert-link">Answer now</a>' in page


def test_the_booking_page_with_free_times_reads_five_queries(login, student, counselor, hours) -> None:
    # Of its own: the student's upcoming appointments (to check the limit); the counselors with
    # opening hours (the filter); then who is busy: appointments, group sessions and held offers.
    # The office rules and the opening hours (weekly hours, extra sessions, closed days) come from
    # the shared cache (appointments.services.hours_cache) once a request has read them.
    client = login(student)
    assert len(queries(client, reverse("appointments:book"))) == 5
    assert len(queries(client, f"{reverse('appointments:book')}?counselor={counselor.pk}")) == 5
    schedule = WeeklySchedule.objects.filter(counselor=counselor).first()
    schedule.room = "302"
    schedule.save(update_fields=["room"])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("appointments:book")).status_code == 200
    # Read again: the rules, closed days, weekly hours, extra sessions, the counselors' names.
    assert len(captured.captured_queries) == 5 + 5


def test_the_booking_page_at_the_limit_reads_only_the_appointments(login, student, counselor, hours) -> None:
    # Of its own: the student's upcoming appointments (the office rules come from the shared cache);
    # no filter, no free times.
    appointment = AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    client = login(student)
    assert len(queries(client, reverse("appointments:book"))) == 1
    rules = OfficeRules.load()
    rules.max_upcoming_per_student = 2
    rules.save()  # as the office-rules form does: the next page shows the new limit
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(2, 17, 25))
    page = client.get(reverse("appointments:book")).content.decode()
    assert f'<a class="alert-link" href="{reverse("appointments:detail", args=[appointment.pk])}">' in page
    assert f"17 Nov 2026, 17:25 · {counselor.name}</a>" in page
    assert 'data-testid="slot"' not in page
    assert len(queries(client, reverse("appointments:book"))) == 1


def test_the_booking_page_links_each_free_time(login, student, counselor, hours) -> None:
    client = login(student)
    confirm = reverse("appointments:book_confirm")
    page = client.get(reverse("appointments:book")).content.decode()
    assert f'href="{confirm}?counselor=any&amp;start={key(at(1, 17, 55))}">17:55</a>' in page
    page = client.get(f"{reverse('appointments:book')}?counselor={counselor.pk}").content.decode()
    assert (
        f'<a class="btn btn-outline-primary" data-testid="slot" '
        f'href="{confirm}?counselor={counselor.pk}&amp;start={key(at(1, 17, 25))}">17:25</a>'
    ) in page
    assert '<h2 class="h6 card-title" id="day-1">Monday · 16 Nov</h2>' in page
    assert '<h2 class="h6 card-title" id="day-2">Tuesday · 17 Nov</h2>' in page
