"""The counselor's agenda: day and week, booking for a student, outcomes, moves, follow-ups."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from appointments.enums import AppointmentSource, AppointmentStatus
from appointments.models import Appointment
from appointments.tests.conftest import at, key
from appointments.tests.factories import AppointmentFactory, ClosedDayFactory, WeeklyScheduleFactory
from counseling.models import Notification, OutboxMessage
from counseling.tests import notices

pytestmark = pytest.mark.django_db


def test_the_week_shows_my_appointments_and_free_slots(
    login, counselor, other_counselor, student, other_student, hours, other_hours
) -> None:
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    AppointmentFactory(student=other_student, counselor=other_counselor, starts_at=at(2, 17, 25))
    page = login(counselor).get(reverse("appointments:week")).content.decode()
    assert page.count('data-testid="agenda-appointment"') == 1
    assert student.name in page
    assert other_student.name not in page
    assert f"start={key(at(2, 17, 25))}" in page  # my free slot that day
    # The next week by date.
    page = login(counselor).get(reverse("appointments:week") + "?date=2026-11-24").content.decode()
    assert student.name not in page
    assert f"start={key(at(8, 17, 25))}" in page


def test_a_counselor_cannot_look_into_a_colleagues_agenda(
    login, counselor, other_counselor, other_student, other_hours
) -> None:
    theirs = AppointmentFactory(student=other_student, counselor=other_counselor, starts_at=at(1, 17, 25))
    client = login(counselor)
    page = client.get(reverse("appointments:week") + f"?counselor={other_counselor.pk}").content.decode()
    assert other_student.name not in page
    assert client.get(reverse("appointments:detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("appointments:confirm", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("appointments:cancel", args=[theirs.pk])).status_code == 404


def test_the_head_counselor_sees_every_agenda(login, head, counselor, other_counselor, student, other_student) -> None:
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    theirs = AppointmentFactory(student=other_student, counselor=other_counselor, starts_at=at(2, 17, 25))
    client = login(head)
    page = client.get(reverse("appointments:week")).content.decode()
    assert student.name in page and other_student.name in page
    page = client.get(reverse("appointments:week") + f"?counselor={counselor.pk}").content.decode()
    assert student.name in page and other_student.name not in page
    assert client.get(reverse("appointments:detail", args=[theirs.pk])).status_code == 200


def test_the_day_view_has_the_actions(login, counselor, student, hours) -> None:
    AppointmentFactory(
        student=student, counselor=counselor, starts_at=at(0, 17, 25), status=AppointmentStatus.REQUESTED
    )
    page = login(counselor).get(reverse("appointments:day") + "?date=2026-11-16").content.decode()
    assert student.name in page
    assert "Confirm" in page and "Decline" in page


@pytest.mark.parametrize("date", ["garbage", "2026-02-30", "0001-01-01", "9" * 300])
def test_a_bad_date_shows_this_week(login, counselor, date) -> None:
    response = login(counselor).get(reverse("appointments:week") + f"?date={date}")
    assert response.status_code == 200
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    assert f"Week of {date_format(monday, 'MONTH_DAY_FORMAT')}" in response.content.decode()


def test_a_counselor_books_a_walk_in_at_any_time(login, counselor, student, hours, delivered) -> None:
    with delivered():
        response = login(counselor).post(
            reverse("appointments:create"),
            {
                "student": student.student_profile.student_number,
                "date": "2026-11-16",
                "start_time": "10:00",
                "duration": "45",
                "channel": "face_to_face",
                "source": "walk_in",
                "room": "301",
            },
        )
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert (appointment.starts_at, appointment.ends_at) == (at(0, 10, 0), at(0, 10, 45))
    assert appointment.source == AppointmentSource.WALK_IN
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert appointment.created_by == counselor
    assert any(
        notices.when(at(0, 10, 0)) in title for title in notices.titles(Notification.objects.filter(user=student))
    )


def test_the_student_can_be_found_by_name(login, counselor, student) -> None:
    data = {
        "student": student.name,
        "date": "2026-11-17",
        "start_time": "12:30",
        "duration": "30",
        "channel": "phone",
        "source": "phone",
    }
    assert login(counselor).post(reverse("appointments:create"), data).status_code == 302
    assert Appointment.objects.get().student == student


def test_a_walk_in_that_clashes_is_refused(login, counselor, student, other_student) -> None:
    AppointmentFactory(student=other_student, counselor=counselor, starts_at=at(0, 10, 0))
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(0, 14, 0))
    client = login(counselor)
    base = {
        "student": student.student_profile.student_number,
        "date": "2026-11-16",
        "duration": "30",
        "channel": "face_to_face",
        "source": "walk_in",
    }
    response = client.post(reverse("appointments:create"), {**base, "start_time": "10:15"})
    assert response.status_code == 400
    assert f"{counselor.name} already has an appointment at that time." in response.content.decode()
    ClosedDayFactory(start_date=at(1, 0).date(), reason="Training")
    response = client.post(reverse("appointments:create"), {**base, "date": "2026-11-17", "start_time": "10:00"})
    assert "The office is closed on 17 Nov 2026 (Training)." in response.content.decode()
    assert Appointment.objects.count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {},
        {
            "student": "nobody",
            "date": "2026-11-16",
            "start_time": "10:00",
            "duration": "30",
            "channel": "face_to_face",
            "source": "walk_in",
        },
        {
            "student": "20250001",
            "date": "not a date",
            "start_time": "25:99",
            "duration": "7",
            "channel": "x",
            "source": "y",
        },
        {
            "student": "x" * 10000,
            "date": "2026-11-16",
            "start_time": "10:00",
            "duration": "30",
            "channel": "face_to_face",
            "source": "walk_in",
        },
        {
            "student": "20250001",
            "date": "1999-01-01",
            "start_time": "10:00",
            "duration": "30",
            "channel": "face_to_face",
            "source": "walk_in",
        },
        {
            "student": "20250001",
            "date": "2026-11-01",
            "start_time": "10:00",
            "duration": "30",
            "channel": "face_to_face",
            "source": "walk_in",
        },
    ],
)
def test_garbage_for_a_walk_in_is_refused(login, counselor, student, data) -> None:
    response = login(counselor).post(reverse("appointments:create"), data)
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_confirm_decline_and_outcomes(login, counselor, student, other_student, hours, clock) -> None:
    request = AppointmentFactory(
        student=student, counselor=counselor, starts_at=at(1, 17, 25), status=AppointmentStatus.REQUESTED
    )
    other = AppointmentFactory(
        student=other_student, counselor=counselor, starts_at=at(1, 17, 55), status=AppointmentStatus.REQUESTED
    )
    client = login(counselor)
    client.post(reverse("appointments:confirm", args=[request.pk]))
    client.post(reverse("appointments:decline", args=[other.pk]))
    request.refresh_from_db()
    other.refresh_from_db()
    assert (request.status, other.status) == (AppointmentStatus.CONFIRMED, AppointmentStatus.DECLINED)
    assert any(
        "could not be accepted" in title
        for title in notices.titles(OutboxMessage.objects.filter(recipient=other_student))
    )

    # Outcomes only once the appointment has started.
    response = client.post(reverse("appointments:attended", args=[request.pk]), follow=True)
    assert "You can record the outcome once the appointment has started." in response.content.decode()
    clock.move_to(at(1, 17, 30))
    client = login(counselor)
    client.post(reverse("appointments:no_show", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == AppointmentStatus.NO_SHOW
    client.post(reverse("appointments:attended", args=[request.pk]))  # a wrong mark can be corrected
    request.refresh_from_db()
    assert request.status == AppointmentStatus.ATTENDED
    response = client.post(reverse("appointments:attended", args=[other.pk]), follow=True)
    assert "A cancelled or declined appointment has no outcome." in response.content.decode()


def test_a_counselor_moves_an_appointment(login, counselor, student, other_student, hours) -> None:
    appointment = AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    AppointmentFactory(student=other_student, counselor=counselor, starts_at=at(2, 9, 0))
    client = login(counselor)
    url = reverse("appointments:move", args=[appointment.pk])
    response = client.post(url, {"date": "2026-11-18", "start_time": "09:15", "duration": "30", "room": "301"})
    assert response.status_code == 400
    assert "already has an appointment at that time" in response.content.decode()
    response = client.post(url, {"date": "2026-11-18", "start_time": "11:00", "duration": "60", "room": "沙盘室"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.ends_at, appointment.room) == (at(2, 11, 0), at(2, 12, 0), "沙盘室")
    assert any(
        notices.when(at(2, 11, 0)) in title for title in notices.titles(OutboxMessage.objects.filter(recipient=student))
    )


def test_follow_ups_show_conflicts_before_anything_is_booked(login, counselor, student, other_student, hours) -> None:
    base = AppointmentFactory(student=student, counselor=counselor, starts_at=at(0, 15, 0), ends_at=at(0, 15, 45))
    AppointmentFactory(student=other_student, counselor=counselor, starts_at=at(14, 15, 30))  # week 3 clashes
    ClosedDayFactory(start_date=at(21, 0).date(), reason="Exams")  # week 4 closed
    client = login(counselor)
    url = reverse("appointments:follow_ups", args=[base.pk])
    data = {"first_date": "2026-11-23", "start_time": "15:00", "every": "7", "count": "4"}
    response = client.post(url, {**data, "action": "preview"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("table-success") == 2
    assert page.count("table-danger") == 2
    assert f"{counselor.name} is busy" in page
    assert "office closed (Exams)" in page
    assert "Book the 2 free dates" in page
    assert Appointment.objects.count() == 2  # nothing booked by the preview

    response = client.post(url, {**data, "action": "save"})
    assert response.status_code == 302
    follow_ups = Appointment.objects.filter(source=AppointmentSource.FOLLOW_UP).order_by("starts_at")
    assert [a.starts_at for a in follow_ups] == [at(7, 15, 0), at(28, 15, 0)]
    assert all(a.ends_at - a.starts_at == base.ends_at - base.starts_at for a in follow_ups)
    assert len({a.series for a in follow_ups}) == 1
    # One notice to the student for the whole series, plus reminders per appointment.
    assert OutboxMessage.objects.filter(recipient=student, dedupe_key__startswith="series:").count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"first_date": "x", "start_time": "y", "every": "3", "count": "0"},
        {"first_date": "2026-11-23", "start_time": "15:00", "every": "7", "count": "500"},
    ],
)
def test_garbage_for_follow_ups_is_refused(login, counselor, student, data) -> None:
    base = AppointmentFactory(student=student, counselor=counselor, starts_at=at(0, 15, 0))
    response = login(counselor).post(reverse("appointments:follow_ups", args=[base.pk]), {**data, "action": "save"})
    assert response.status_code == 400
    assert Appointment.objects.count() == 1


def test_reserved_slots_are_shown_to_counselors_only(login, counselor, student, term) -> None:
    WeeklyScheduleFactory(
        counselor=counselor, term=term, weekday=1, start_time="12:30", end_time="13:30", reserved_for_key_students=True
    )
    assert key(at(1, 12, 30)) in login(counselor).get(reverse("appointments:week")).content.decode()
    assert key(at(1, 12, 30)) not in login(student).get(reverse("appointments:book")).content.decode()
