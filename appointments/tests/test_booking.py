"""Students book, move and cancel; every rule says no with a clear message and changes nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from appointments.enums import AppointmentStatus
from appointments.models import Appointment, OfficeRules
from appointments.tests.conftest import at, key
from appointments.tests.factories import AppointmentFactory, ClosedDayFactory, WeeklyScheduleFactory
from counseling.models import Notification
from counseling.tests import notices

pytestmark = pytest.mark.django_db


def confirm_url(counselor, moment) -> str:
    who = counselor.pk if counselor else "any"
    return f"{reverse('appointments:book_confirm')}?counselor={who}&start={key(moment)}"


def book(client, counselor, moment, **data):
    return client.post(confirm_url(counselor, moment), {"channel": "face_to_face", "topic": "", **data})


def test_the_booking_page_lists_free_times_for_the_horizon(login, student, counselor, hours) -> None:
    page = login(student).get(reverse("appointments:book")).content.decode()
    # Today 17:25 is 8 hours away, past the 2-hour cut-off; the 14-day horizon ends on 30 November.
    assert key(at(0, 17, 25)) in page
    assert key(at(0, 17, 55)) in page
    assert key(at(14, 17, 25)) in page
    assert key(at(15, 17, 25)) not in page
    # Weekends have no hours.
    assert key(at(5, 17, 25)) not in page


def test_a_student_books_a_free_time(login, student, counselor, hours, delivered) -> None:
    client = login(student)
    with delivered():
        response = book(client, counselor, at(1, 17, 25), channel="phone")
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("appointments:detail", args=[appointment.pk])
    assert (appointment.student, appointment.counselor) == (student, counselor)
    assert (appointment.starts_at, appointment.ends_at) == (at(1, 17, 25), at(1, 17, 55))
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert appointment.channel == "phone"
    assert appointment.room == "301"
    assert appointment.is_first_visit
    shown = Notification.objects.select_related("user")
    titles = dict(zip([n.user.username for n in shown], notices.titles(shown), strict=True))
    assert set(titles) == {"student", "counselor"}
    assert notices.when(at(1, 17, 25)) in titles["student"]
    assert {m.to[0] for m in mail.outbox} == {"student@school.example", "counselor@school.example"}
    detail = client.get(response.url).content.decode()
    assert "Your appointment is booked." in detail
    assert "First visit" in detail


def test_any_counselor_gives_the_time_to_whoever_is_free(
    login, student, other_student, counselor, other_counselor, hours, other_hours
) -> None:
    AppointmentFactory(student=other_student, counselor=counselor, starts_at=at(1, 17, 25))
    response = book(login(student), None, at(1, 17, 25))
    assert response.status_code == 302
    assert Appointment.objects.get(student=student).counselor == other_counselor


def test_a_second_visit_is_not_a_first_visit(login, student, counselor, hours) -> None:
    AppointmentFactory(
        student=student, counselor=counselor, starts_at=at(-7, 17, 25), status=AppointmentStatus.ATTENDED
    )
    book(login(student), counselor, at(1, 17, 25))
    assert not Appointment.objects.get(starts_at=at(1, 17, 25)).is_first_visit


def test_approval_mode_makes_a_request_the_counselor_confirms(login, student, counselor, hours, delivered) -> None:
    OfficeRules.objects.update_or_create(pk=1, defaults={"approval_required": True})
    client = login(student)
    response = book(client, counselor, at(1, 17, 25))
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.REQUESTED
    assert "The counselor will confirm it soon." in client.get(response.url).content.decode()
    with delivered():
        login(counselor).post(reverse("appointments:confirm", args=[appointment.pk]))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert any(
        title.startswith("Appointment confirmed") for title in notices.titles(Notification.objects.filter(user=student))
    )


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (at(-1, 17, 25), "That time has already passed."),
        (at(0, 8, 30), "That time has already passed."),
        (at(15, 17, 25), "You can book at most 14 days ahead."),
        (at(1, 10, 0), "That time is not within the opening hours."),
        (at(1, 17, 40), "That time is not within the opening hours."),
        (at(5, 17, 25), "That time is not within the opening hours."),
    ],
)
def test_times_that_cannot_be_booked_say_why(login, student, counselor, hours, moment, message) -> None:
    response = book(login(student), counselor, moment)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Appointment.objects.exists()


def test_booking_closes_before_the_start(login, student, counselor, hours, clock) -> None:
    clock.move_to(at(0, 16, 0))
    response = book(login(student), counselor, at(0, 17, 25))
    assert response.status_code == 400
    assert "Booking closes 2 hours before the start." in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_closed_day_cannot_be_booked(login, student, counselor, hours) -> None:
    ClosedDayFactory(start_date=at(2, 0).date(), reason="Sports day")
    response = book(login(student), counselor, at(2, 17, 25))
    assert response.status_code == 400
    assert "The office is closed on 18 Nov 2026 (Sports day)." in response.content.decode()
    assert key(at(2, 17, 25)) not in login(student).get(reverse("appointments:book")).content.decode()
    assert not Appointment.objects.exists()


def test_a_reserved_key_student_slot_is_not_for_students(login, student, counselor, term) -> None:
    WeeklyScheduleFactory(
        counselor=counselor, term=term, weekday=1, start_time="12:30", end_time="13:30", reserved_for_key_students=True
    )
    assert key(at(1, 12, 30)) not in login(student).get(reverse("appointments:book")).content.decode()
    response = book(login(student), counselor, at(1, 12, 30))
    assert response.status_code == 400
    assert "kept for students the counselors invite" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_taken_time_says_it_was_just_taken(login, student, other_student, counselor, hours) -> None:
    AppointmentFactory(student=other_student, counselor=counselor, starts_at=at(1, 17, 25))
    response = book(login(student), counselor, at(1, 17, 25))
    assert response.status_code == 409
    assert "This time was just taken. Please choose another one." in response.content.decode()
    assert Appointment.objects.count() == 1


def test_the_taken_message_is_translated(client_for, student, other_student, counselor, hours) -> None:
    AppointmentFactory(student=other_student, counselor=counselor, starts_at=at(1, 17, 25))
    response = book(client_for(student), counselor, at(1, 17, 25))
    assert "这个时间刚刚被约走了，请另选一个时间。" in response.content.decode()


def test_a_student_holds_at_most_one_upcoming_appointment(login, student, counselor, hours) -> None:
    client = login(student)
    book(client, counselor, at(1, 17, 25))
    response = book(client, counselor, at(2, 17, 25))
    assert response.status_code == 400
    assert "You already have an upcoming appointment." in response.content.decode()
    assert Appointment.objects.count() == 1
    page = client.get(reverse("appointments:book")).content.decode()
    assert "Move or cancel it before you book another." in page


def test_the_limit_is_configurable(login, student, counselor, hours) -> None:
    OfficeRules.objects.update_or_create(pk=1, defaults={"max_upcoming_per_student": 2})
    client = login(student)
    book(client, counselor, at(1, 17, 25))
    assert book(client, counselor, at(2, 17, 25)).status_code == 302
    assert book(client, counselor, at(3, 17, 25)).status_code == 400
    assert Appointment.objects.count() == 2


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?start=yesterday",
        "?start=2026-13-45T99:99",
        "?start=" + "9" * 5000,
        "?counselor=abc&start=2026-11-17T17:25",
        "?counselor=999999&start=2026-11-17T17:25",
        "?counselor=-1&start=2026-11-17T17:25",
        "?start=9999-12-31T23:59",
    ],
)
def test_garbage_in_the_address_goes_back_to_the_free_times(login, student, counselor, hours, query) -> None:
    response = login(student).post(reverse("appointments:book_confirm") + query, {"channel": "face_to_face"})
    assert response.status_code == 302
    assert response.url == reverse("appointments:book")
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"channel": "telepathy"},
        {"channel": "face_to_face", "topic": "not-a-number"},
        {"channel": "face_to_face", "topic": "99999999"},
        {"channel": "x" * 100000},
    ],
)
def test_garbage_in_the_form_is_refused(login, student, counselor, hours, data) -> None:
    response = login(student).post(confirm_url(counselor, at(1, 17, 25)), data)
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_a_student_moves_to_another_free_time(login, student, counselor, hours, delivered) -> None:
    client = login(student)
    book(client, counselor, at(1, 17, 25))
    appointment = Appointment.objects.get()
    page = client.get(reverse("appointments:move", args=[appointment.pk])).content.decode()
    assert key(at(2, 17, 25)) in page
    with delivered():
        response = client.post(reverse("appointments:move", args=[appointment.pk]), {"start": key(at(2, 17, 55))})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.ends_at) == (at(2, 17, 55), at(2, 18, 25))
    assert any(
        notices.when(at(2, 17, 55)) in title for title in notices.titles(Notification.objects.filter(user=counselor))
    )
    # The old time is free again.
    assert key(at(1, 17, 25)) in client.get(reverse("appointments:move", args=[appointment.pk])).content.decode()


def test_moving_to_a_taken_time_says_so(login, student, other_student, counselor, hours) -> None:
    mine = AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    AppointmentFactory(student=other_student, counselor=counselor, starts_at=at(2, 17, 25))
    response = login(student).post(reverse("appointments:move", args=[mine.pk]), {"start": key(at(2, 17, 25))})
    assert response.status_code == 409
    assert "This time was just taken." in response.content.decode()
    mine.refresh_from_db()
    assert mine.starts_at == at(1, 17, 25)


def test_a_student_cancels_until_the_cut_off(login, student, counselor, hours, clock) -> None:
    first = AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    client = login(student)
    response = client.post(reverse("appointments:cancel", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == AppointmentStatus.CANCELLED

    late = AppointmentFactory(student=student, counselor=counselor, starts_at=at(0, 17, 25))
    clock.move_to(at(0, 14, 0))  # 3 h 25 min before: inside the 4-hour cut-off
    client = login(student)  # the idle timeout ended the earlier session
    response = client.post(reverse("appointments:cancel", args=[late.pk]), follow=True)
    assert "Appointments can be changed online until 4 hours before the start." in response.content.decode()
    late.refresh_from_db()
    assert late.status == AppointmentStatus.CONFIRMED
    response = client.post(reverse("appointments:move", args=[late.pk]), {"start": key(at(2, 17, 25))})
    assert response.status_code == 400
    late.refresh_from_db()
    assert late.starts_at == at(0, 17, 25)


def test_students_only_reach_their_own_appointments(login, student, other_student, counselor, hours) -> None:
    theirs = AppointmentFactory(student=other_student, counselor=counselor, starts_at=at(1, 17, 25))
    client = login(student)
    for name in ("detail", "move", "ics"):
        assert client.get(reverse(f"appointments:{name}", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("appointments:cancel", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("appointments:move", args=[theirs.pk]), {"start": key(at(2, 17, 25))}).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.status, theirs.starts_at) == (AppointmentStatus.CONFIRMED, at(1, 17, 25))


def test_the_student_page_shows_upcoming_and_past(login, student, counselor, hours) -> None:
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(-7, 17, 25), status=AppointmentStatus.NO_SHOW)
    page = login(student).get(reverse("appointments:mine")).content.decode()
    assert page.count('data-testid="upcoming"') == 1
    assert page.count('data-testid="past"') == 1
    assert "No-show" in page


def test_another_persons_notification_is_not_found(login, student, other_student, counselor, hours, delivered) -> None:
    with delivered():
        book(login(other_student), counselor, at(1, 17, 25))
    theirs = Notification.objects.get(user=other_student)
    response = login(student).post(reverse("notification_open", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_staff_readings_of_an_appointment_are_audited(login, student, counselor, hours) -> None:
    from counseling.models import AuditEntry

    appointment = AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    login(student).get(reverse("appointments:detail", args=[appointment.pk]))
    assert not AuditEntry.objects.for_object(appointment).exists()
    login(counselor).get(reverse("appointments:detail", args=[appointment.pk]))
    entry = AuditEntry.objects.for_object(appointment).get()
    assert (entry.actor, entry.action, entry.student_id) == (counselor, "view", student.pk)
