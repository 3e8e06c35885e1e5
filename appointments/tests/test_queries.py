"""List pages read a fixed number of queries, whether they show 1 row or 100."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appointments.enums import AppointmentStatus
from appointments.services.agenda import week_of
from appointments.services.slots import free_slots
from appointments.tests.conftest import at, key
from appointments.tests.factories import AppointmentFactory, ClosedDayFactory, GroupSessionFactory, MailboxItemFactory
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> int:
    client.get(url)  # warm up: the office rules row is created on first use
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def students(school_class, n: int) -> list:
    return [make_student(f"s{i}", school_class, student_number=f"3000{i:04d}") for i in range(n)]


def test_the_student_page(login, student, counselor, hours) -> None:
    client = login(student)
    AppointmentFactory(
        student=student, counselor=counselor, starts_at=at(-30, 10, 0), status=AppointmentStatus.ATTENDED
    )
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    one = count_queries(client, reverse("appointments:mine"))
    for n in range(99):
        AppointmentFactory(
            student=student, counselor=counselor, starts_at=at(-31 - n, 10, 0), status=AppointmentStatus.ATTENDED
        )
    assert count_queries(client, reverse("appointments:mine")) == one


def test_the_counselors_week(login, counselor, hours, school_class) -> None:
    client = login(counselor)
    pupils = students(school_class, 100)
    AppointmentFactory(student=pupils[0], counselor=counselor, starts_at=at(0, 8, 0), ends_at=at(0, 8, 5))
    one = count_queries(client, reverse("appointments:week"))
    for n, pupil in enumerate(pupils[1:]):
        start = at(n % 5, 8, 0) + datetime.timedelta(minutes=5 * (n // 5 + 1))
        AppointmentFactory(
            student=pupil, counselor=counselor, starts_at=start, ends_at=start + datetime.timedelta(minutes=5)
        )
    page = client.get(reverse("appointments:week")).content.decode()
    assert page.count('data-testid="agenda-appointment"') == 100
    assert count_queries(client, reverse("appointments:week")) == one


def test_the_head_counselors_week_of_everyone(login, head, counselor, hours, school_class) -> None:
    client = login(head)
    pupils = students(school_class, 30)
    AppointmentFactory(student=pupils[0], counselor=counselor, starts_at=at(0, 8, 0))
    one = count_queries(client, reverse("appointments:week"))
    for n, pupil in enumerate(pupils[1:]):
        start = at(1, 8, 0) + datetime.timedelta(minutes=10 * n)
        AppointmentFactory(
            student=pupil, counselor=counselor, starts_at=start, ends_at=start + datetime.timedelta(minutes=10)
        )
    assert count_queries(client, reverse("appointments:week")) == one


def test_the_mailbox(login, counselor, school_class) -> None:
    client = login(counselor)
    pupils = students(school_class, 100)
    MailboxItemFactory(sender=pupils[0])
    one = count_queries(client, reverse("appointments:mailbox"))
    for pupil in pupils[1:]:
        MailboxItemFactory(sender=pupil, about_student=pupils[0])
    page = client.get(reverse("appointments:mailbox")).content.decode()
    assert page.count('data-testid="mailbox-row"') == 25  # a page of the inbox
    assert count_queries(client, reverse("appointments:mailbox")) == one


def _busy_week(counselor, student) -> None:
    """Opening hours are 17:25-18:25 on weekdays: something in them each day, taken or given back."""
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(0, 17, 25))
    AppointmentFactory(
        student=student, counselor=counselor, starts_at=at(1, 17, 25), status=AppointmentStatus.CANCELLED
    )
    GroupSessionFactory(counselor=counselor, starts_at=at(2, 17, 25))
    GroupSessionFactory(counselor=counselor, starts_at=at(3, 17, 25), is_cancelled=True)
    ClosedDayFactory(start_date=at(4, 0).date(), counselor=counselor)


def test_the_counselors_week_reads_its_appointments_groups_and_closed_days_once(
    login, counselor, student, hours, django_assert_num_queries
) -> None:
    """Pinned: the page (with its free slots) reads each of them at most once: 5 queries (on
    PostgreSQL the audit chain's lock goes with the read of the last hash).

    Before, the free slots read the week's appointments, group sessions and closed days a second
    time, and a counselor's closed day read the counselor: 14 queries on SQLite. Opening hours and
    closed days now come from the opening-hours cache, which the first request filled.
    """
    _busy_week(counselor, student)
    client = login(counselor)
    client.get(reverse("appointments:week"))
    with django_assert_num_queries(5) as context:
        assert client.get(reverse("appointments:week")).status_code == 200
    statements = [query["sql"] for query in context.captured_queries]
    for table in ("appointments_appointment", "appointments_groupsession"):
        assert len([sql for sql in statements if re.search(rf'FROM "{table}"', sql)]) == 1, table
    for table in ("appointments_closedday", "appointments_weeklyschedule", "appointments_extrasession"):
        assert not [sql for sql in statements if re.search(rf'FROM "{table}"', sql)], table


def test_the_weeks_free_slots_are_those_the_booking_pages_offer(login, counselor, student, hours) -> None:
    """The free times shown from what the page read are the ones computed from the database."""
    _busy_week(counselor, student)
    page = login(counselor).get(reverse("appointments:week")).content.decode()
    shown = set(re.findall(r"\?start=([0-9T:-]+)&amp;counselor=", page))
    first, last = week_of(timezone.localdate())
    expected = {
        slot.key
        for slot in free_slots(
            first, last, counselor_ids=[counselor.pk], include_reserved=True, not_before=timezone.now()
        )
    }
    assert shown == expected
    # Monday is booked at 17:25, Wednesday has its group, Friday is closed; the rest is free.
    assert key(at(0, 17, 55)) in shown and key(at(0, 17, 25)) not in shown
    assert key(at(1, 17, 25)) in shown
    assert key(at(2, 17, 25)) not in shown and key(at(2, 17, 55)) not in shown
    assert key(at(3, 17, 25)) in shown
    assert not [start for start in shown if start.startswith(at(4, 0).date().isoformat())]
