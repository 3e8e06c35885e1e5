"""Never a double booking: many students press "book" on the same one-seat slot at once."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from appointments.enums import AppointmentStatus
from appointments.models import Appointment
from appointments.tests.conftest import at, key
from appointments.tests.factories import AppointmentFactory, WeeklyScheduleFactory
from counseling.tests.factories import make_student

THREADS = 24
TAKEN = "This time was just taken. Please choose another one."

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL exclusion constraints")


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@postgres_only
def test_many_students_booking_one_slot_at_once_get_it_exactly_once(counselor, term, school_class) -> None:
    WeeklyScheduleFactory(counselor=counselor, term=term, weekday=1, start_time="17:25", end_time="17:55")
    students = [make_student(f"racer{n}", school_class, student_number=f"2099{n:04d}") for n in range(THREADS)]
    clients = []
    for student in students:
        client = Client(headers={"accept-language": "en"})
        client.force_login(student, backend="counseling.backends.PasswordBackend")
        clients.append(client)
    url = f"{reverse('appointments:book_confirm')}?counselor={counselor.pk}&start={key(at(1, 17, 25))}"
    start = threading.Barrier(THREADS)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def attempt(client: Client) -> None:
        try:
            start.wait(timeout=30)
            response = client.post(url, {"channel": "face_to_face"})
            with lock:
                results.append((response.status_code, response.content.decode()))
        finally:
            # Each thread has its own connection; close it so the test database can be dropped.
            connection.close()

    threads = [threading.Thread(target=attempt, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(code for code, _page in results)
    assert len(results) == THREADS
    assert statuses.count(302) == 1, statuses
    assert statuses.count(409) == THREADS - 1, statuses
    assert all(TAKEN in page for code, page in results if code == 409)
    assert Appointment.objects.filter(counselor=counselor, starts_at=at(1, 17, 25)).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@postgres_only
def test_the_database_refuses_overlapping_appointments(counselor, other_counselor, student, other_student) -> None:
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 0))
    # Not the same start (the unique index would catch that), only an overlap: the exclusion constraint.
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(student=other_student, counselor=counselor, starts_at=at(1, 17, 15))
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(student=student, counselor=other_counselor, starts_at=at(1, 17, 20))
    # A cancelled appointment does not hold the time.
    AppointmentFactory(
        student=other_student, counselor=counselor, starts_at=at(1, 17, 15), status=AppointmentStatus.CANCELLED
    )
    assert Appointment.objects.count() == 2


@pytest.mark.django_db
def test_the_same_start_is_refused_on_every_database(counselor, student, other_student) -> None:
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(student=other_student, counselor=counselor, starts_at=at(1, 17, 25))
