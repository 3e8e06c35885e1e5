"""The counselor's week reads a pinned number of queries (issue 17: each query costs the page CPU).

What the page reads, warm (a counselor's second look at the week), on SQLite:
the week's appointments (with student, class, grade, counselor and topic), its group sessions with
their seat counts, the live waitlist offers that hold a slot, then the audit entry naming the
students shown (the last entry's hash and the insert: 2). Opening hours and
closed days come from the opening-hours cache (appointments.services.hours_cache); the first look
after a change to them reads them too: closed days, weekly schedules, extra sessions and the
counselors' names. (On PostgreSQL the chain lock goes with the read of the last hash.) The session and the signed-in
user come from the cache (SIGNED_IN_CACHE is on in the tests, as in production with Redis).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from appointments.tests.conftest import at
from appointments.tests.factories import AppointmentFactory, ClosedDayFactory, GroupSessionFactory

pytestmark = pytest.mark.django_db

WARM = 5
OPENING_HOURS = 4


def _week(counselor, student) -> None:
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(0, 17, 25))
    GroupSessionFactory(counselor=counselor, starts_at=at(2, 17, 25))
    ClosedDayFactory(start_date=at(4, 0).date(), counselor=counselor)


def test_the_counselors_week(login, counselor, student, hours, django_assert_num_queries) -> None:
    _week(counselor, student)
    client = login(counselor)
    client.get(reverse("appointments:week"))  # the signed-in user, session and unread count cached
    with django_assert_num_queries(WARM):
        page = client.get(reverse("appointments:week")).content.decode()
    assert page.count('data-testid="agenda-appointment"') == 1
    assert "Holiday" in page


def test_the_counselors_week_after_a_change_to_the_opening_hours(
    login, counselor, student, hours, django_assert_num_queries
) -> None:
    _week(counselor, student)
    client = login(counselor)
    client.get(reverse("appointments:week"))
    hours[0].save()
    with django_assert_num_queries(WARM + OPENING_HOURS) as context:
        assert client.get(reverse("appointments:week")).status_code == 200
    statements = [query["sql"] for query in context.captured_queries]
    for table in ("appointments_closedday", "appointments_weeklyschedule", "appointments_extrasession"):
        assert len([sql for sql in statements if f'FROM "{table}"' in sql]) == 1, table
