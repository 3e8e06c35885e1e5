"""List pages read a fixed number of queries, whether they show 1 row or 100."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appointments.enums import AppointmentStatus
from appointments.tests.conftest import at
from appointments.tests.factories import AppointmentFactory, MailboxItemFactory
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
