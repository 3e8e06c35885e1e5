"""A counselor's day without friction: unusual times confirmed, the note after the visit, moves
confirmed, the student's lists, the anonymous request refused.

The clock stands on Monday 16 November 2026, 09:00 (appointments/tests/conftest.py); the term runs
from 1 September 2026 to 31 January 2027.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from appointments.enums import AppointmentStatus, MailboxKind, MailboxStatus
from appointments.models import Appointment, MailboxItem
from appointments.services import booking, mailbox
from appointments.services.errors import BookingError
from appointments.services.timing import UnusualTimeError
from appointments.tests.conftest import at, key
from appointments.tests.factories import AppointmentFactory, ExtraSessionFactory, MailboxItemFactory
from counseling.cases.tests.factories import CaseFactory, NoteFactory
from counseling.tests.factories import TermFactory

pytestmark = pytest.mark.django_db


def walk_in(student, date: str, start: str, **extra) -> dict:
    return {
        "student": student.student_profile.student_number,
        "date": date,
        "start_time": start,
        "duration": "30",
        "channel": "face_to_face",
        "source": "walk_in",
        **extra,
    }


# Item 7: no booking at 03:00 by a slip of the keyboard.


def test_a_walk_in_at_three_in_the_night_needs_an_explicit_confirmation(login, counselor, student, hours) -> None:
    client = login(counselor)
    response = client.post(reverse("appointments:create"), walk_in(student, "2026-11-17", "03:00"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "17 Nov 2026, 03:00 is outside the opening hours: outside the school day (07:00–19:00)." in page
    assert 'type="checkbox" name="confirm_unusual"' in page
    assert not Appointment.objects.exists()

    response = client.post(
        reverse("appointments:create"), walk_in(student, "2026-11-17", "03:00", confirm_unusual="on")
    )
    assert response.status_code == 302
    assert Appointment.objects.get().starts_at == at(1, 3, 0)


def test_the_school_day_and_the_opening_hours_need_no_confirmation(login, counselor, student, term) -> None:
    # A Saturday morning extra session is opening hours; 10:00 on a weekday is the school day.
    ExtraSessionFactory(counselor=counselor, date=at(5, 0).date(), start_time="09:00", end_time="10:00")
    client = login(counselor)
    page = client.get(reverse("appointments:create")).content.decode()
    assert 'type="hidden" name="confirm_unusual"' in page  # nothing to confirm yet
    assert client.post(reverse("appointments:create"), walk_in(student, "2026-11-21", "09:00")).status_code == 302
    assert client.post(reverse("appointments:create"), walk_in(student, "2026-11-17", "10:00")).status_code == 302
    response = client.post(reverse("appointments:create"), walk_in(student, "2026-11-22", "09:00"))
    assert "22 Nov 2026, 09:00 is outside the opening hours: a weekend." in response.content.decode()
    assert Appointment.objects.count() == 2


def test_the_rule_holds_in_the_service_and_for_moves(counselor, student, hours) -> None:
    with pytest.raises(UnusualTimeError):
        booking.create_for_student(
            counselor=counselor,
            student=student,
            starts_at=at(1, 23, 0),
            ends_at=at(1, 23, 30),
            channel="face_to_face",
            by=counselor,
        )
    appointment = AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    with pytest.raises(UnusualTimeError):
        booking.move(appointment, by=counselor, starts_at=at(2, 5, 0))
    appointment.refresh_from_db()
    assert appointment.starts_at == at(1, 17, 25)
    booking.move(appointment, by=counselor, starts_at=at(2, 5, 0), confirmed_unusual=True)
    appointment.refresh_from_db()
    assert appointment.starts_at == at(2, 5, 0)


def test_a_counselor_move_to_the_night_asks_first(login, counselor, student, hours) -> None:
    appointment = AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    url = reverse("appointments:move", args=[appointment.pk])
    client = login(counselor)
    assert "Move this appointment? The student is told the new time." in client.get(url).content.decode()
    data = {"date": "2026-11-18", "start_time": "03:00", "duration": "30", "room": "301"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "is outside the opening hours" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.starts_at == at(1, 17, 25)


def test_follow_ups_in_the_holidays_after_the_term_and_at_night_are_not_free(login, counselor, student, hours) -> None:
    TermFactory(school_year=2026, semester=2, name="2026-2027 第2学期", is_current=False)  # from 20 February
    base = AppointmentFactory(student=student, counselor=counselor, starts_at=at(0, 15, 0))
    url = reverse("appointments:follow_ups", args=[base.pk])
    client = login(counselor)
    # 25 January (term), 8 February (holidays), 22 February (next term): weekly from a Monday, fortnightly.
    page = client.post(
        url, {"first_date": "2027-01-25", "start_time": "15:00", "every": "14", "count": "3", "action": "preview"}
    ).content.decode()
    assert page.count("table-success") == 2
    assert "school holidays" in page
    # After the last term ends, nothing is free.
    page = client.post(
        url, {"first_date": "2027-07-12", "start_time": "15:00", "every": "7", "count": "1", "action": "preview"}
    ).content.decode()
    assert "after the term ends" in page and "table-success" not in page
    # 03:00 is never listed as free without a confirmation; confirmed, it is booked with a warning.
    night = {"first_date": "2026-11-23", "start_time": "03:00", "every": "7", "count": "2"}
    page = client.post(url, {**night, "action": "preview"}).content.decode()
    assert "table-success" not in page
    assert "23 Nov 2026, 03:00 is outside the opening hours: outside the school day (07:00–19:00)." in page
    assert 'type="checkbox" name="confirm_unusual"' in page
    client.post(url, {**night, "action": "save"})
    assert Appointment.objects.count() == 1
    client.post(url, {**night, "action": "save", "confirm_unusual": "on"})
    assert Appointment.objects.filter(starts_at__in=[at(7, 3, 0), at(14, 3, 0)]).count() == 2


def test_zh_hans_flags_say_holiday_and_term_ended(login, counselor, student, hours) -> None:
    base = AppointmentFactory(student=student, counselor=counselor, starts_at=at(0, 15, 0))
    client = login(counselor)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        reverse("appointments:follow_ups", args=[base.pk]),
        {"first_date": "2027-07-12", "start_time": "15:00", "every": "7", "count": "1", "action": "preview"},
        headers={"accept-language": "zh-hans"},
    )
    page = response.content.decode()
    assert "学期已结束" in page
    assert "空闲" not in page.split('data-testid="plan"')[1]


def test_past_free_times_are_not_offered_on_the_week(login, counselor, hours, clock) -> None:
    clock.move_to(at(2, 18, 0))
    page = login(counselor).get(reverse("appointments:week")).content.decode()
    assert f"start={key(at(1, 17, 25))}" not in page  # yesterday
    assert f"start={key(at(2, 17, 25))}" not in page  # earlier today
    assert f"start={key(at(3, 17, 25))}" in page


# Item 8: after the visit, the note; the buttons go; the name leads to the case.


def test_after_marking_attended_the_note_is_offered_prefilled(login, counselor, student, hours, clock) -> None:
    appointment = AppointmentFactory(student=student, counselor=counselor, starts_at=at(0, 17, 25))
    case = CaseFactory(student=student, counselor=counselor)
    client = login(counselor)
    page = client.get(reverse("appointments:detail", args=[appointment.pk])).content.decode()
    assert "Mark attended" not in page  # not before the time
    assert 'data-testid="status">Upcoming<' in page and "No-show" not in page
    assert f'href="/cases/{case.pk}/" data-testid="student-case"' in page

    clock.move_to(at(0, 17, 30))
    client = login(counselor)
    response = client.post(
        reverse("appointments:attended", args=[appointment.pk]), {"next": reverse("appointments:day")}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("appointments:detail", args=[appointment.pk])
    note_url = f"/cases/{case.pk}/notes/new/?appointment={appointment.pk}"
    assert note_url in page
    assert "Write the session note" in page
    assert "Mark attended" not in page and "Mark no-show" not in page
    assert "Wrong mark? Change to no-show" in page

    form = client.get(note_url).content.decode()
    assert f'<option value="{appointment.pk}" selected>' in form
    assert 'name="held_on" value="2026-11-16"' in form
    assert '<option value="face_to_face" selected>' in form

    NoteFactory(case=case, author=counselor, appointment=appointment)
    page = client.get(reverse("appointments:detail", args=[appointment.pk])).content.decode()
    assert note_url not in page


def test_the_case_link_only_for_whom_may_see_the_case(login, counselor, other_counselor, head, student, hours) -> None:
    appointment = AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    case = CaseFactory(student=student, counselor=other_counselor)
    page = login(counselor).get(reverse("appointments:detail", args=[appointment.pk])).content.decode()
    assert f"/cases/{case.pk}/" not in page and "student-case" not in page
    page = login(head).get(reverse("appointments:detail", args=[appointment.pk])).content.decode()
    assert f'href="/cases/{case.pk}/" data-testid="student-case"' in page
    assert "/notes/new/" not in page  # the head counselor reads; the holder writes


def test_without_a_case_the_counselor_is_offered_to_open_one(login, counselor, student, hours, clock) -> None:
    appointment = AppointmentFactory(student=student, counselor=counselor, starts_at=at(0, 17, 25))
    clock.move_to(at(0, 17, 30))
    client = login(counselor)
    page = client.post(reverse("appointments:attended", args=[appointment.pk]), follow=True).content.decode()
    assert f"/cases/new/?student={student.pk}" in page


def test_the_home_page_links_the_waiting_requests(login, counselor, student, other_student, hours) -> None:
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25), status="requested")
    client = login(counselor)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("appointments:requests")}" data-testid="requests-link"' in page
    page = client.get(reverse("appointments:requests")).content.decode()
    assert page.count('data-testid="request"') == 1 and student.name in page
    assert login(other_student).get(reverse("appointments:requests")).status_code == 403


# Item 9: moves confirmed, the student's lists, the anonymous request.


def test_a_student_confirms_a_move_before_it_happens(login, student, counselor, hours) -> None:
    appointment = AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    client = login(student)
    url = reverse("appointments:move", args=[appointment.pk])
    page = client.get(f"{url}?start={key(at(2, 17, 55))}").content.decode()
    assert 'data-testid="move-confirm"' in page
    assert f'name="start" value="{key(at(2, 17, 55))}"' in page
    appointment.refresh_from_db()
    assert appointment.starts_at == at(1, 17, 25)  # only asked
    assert client.post(url, {"start": key(at(2, 17, 55))}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == at(2, 17, 55)
    # A time that is not free is not offered for confirmation.
    page = client.get(f"{url}?start=2026-11-18T03:00").content.decode()
    assert 'data-testid="move-confirm"' not in page


def test_a_cancelled_future_booking_is_not_among_the_past(login, student, counselor, hours) -> None:
    cancelled = AppointmentFactory(
        student=student, counselor=counselor, starts_at=at(3, 17, 25), status=AppointmentStatus.CANCELLED
    )
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(-7, 17, 25), status="attended")
    page = login(student).get(reverse("appointments:mine")).content.decode()
    earlier = page.split("Earlier")[1]
    assert earlier.count('data-testid="past"') == 1
    assert reverse("appointments:detail", args=[cancelled.pk]) not in earlier
    assert reverse("appointments:detail", args=[cancelled.pk]) in page.split('data-testid="called-off"')[1]


def test_an_anonymous_letter_cannot_ask_for_an_appointment(login, student) -> None:
    client = login(student)
    assert (
        "An anonymous letter cannot ask for an appointment."
        in client.get(reverse("appointments:letter_new")).content.decode()
    )
    response = client.post(
        reverse("appointments:letter_new"),
        {"kind": MailboxKind.REQUEST, "body": "想约个时间", "is_anonymous": "on", "preferred_channel": ""},
    )
    assert response.status_code == 400
    assert "the counselors would not know whom to book" in response.content.decode()
    assert not MailboxItem.objects.exists()
    with pytest.raises(BookingError):
        mailbox.send(sender=student, kind=MailboxKind.REQUEST, body="x", is_anonymous=True)
    assert not MailboxItem.objects.exists()
    # Anonymous as a letter is fine.
    response = client.post(
        reverse("appointments:letter_new"),
        {"kind": MailboxKind.LETTER, "body": "谢谢老师", "is_anonymous": "on", "preferred_channel": ""},
    )
    assert response.status_code == 302
    assert MailboxItem.objects.get().is_anonymous


def test_in_zh_hans_the_unusual_time_message_is_translated(login, counselor, student, hours) -> None:
    client = login(counselor)
    response = client.post(
        reverse("appointments:create"),
        walk_in(student, "2026-11-17", "03:00"),
        headers={"accept-language": "zh-hans"},
    )
    page = response.content.decode()
    assert "2026年11月17日 03:00 不在开放时间内：不在在校时间（07:00–19:00）内。" in page
    assert "确认在开放时间和在校时间以外预约这个时间" in page


def test_the_day_view_drops_the_outcome_buttons_once_used(login, counselor, student, hours, clock) -> None:
    appointment = AppointmentFactory(student=student, counselor=counselor, starts_at=at(0, 17, 25))
    clock.move_to(at(0, 17, 40))
    client = login(counselor)
    day = reverse("appointments:day") + "?date=2026-11-16"
    assert "Mark no-show" in client.get(day).content.decode()
    client.post(reverse("appointments:no_show", args=[appointment.pk]), {"next": day})
    page = client.get(day).content.decode()
    assert "Mark no-show" not in page and "Mark attended" not in page
    assert 'data-testid="status">No-show<' in page


def test_scheduling_from_the_mailbox_at_night_asks_first_and_keeps_the_item_new(login, student, counselor) -> None:
    item = MailboxItemFactory(sender=student)
    url = reverse("appointments:mailbox_schedule", args=[item.pk])
    data = {"counselor": counselor.pk, "date": "2026-11-17", "start_time": "22:00", "duration": "30"}
    data["channel"] = "face_to_face"
    client = login(counselor)
    response = client.post(url, data)
    assert response.status_code == 400
    assert "17 Nov 2026, 22:00 is outside the opening hours" in response.content.decode()
    item.refresh_from_db()
    assert item.status == MailboxStatus.NEW and not Appointment.objects.exists()
    response = client.post(url, {**data, "confirm_unusual": "on"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == MailboxStatus.SCHEDULED and item.appointment.starts_at == at(1, 22, 0)


def test_a_ticked_confirmation_stays_visible_after_another_error(login, counselor, student, other_student) -> None:
    AppointmentFactory(student=other_student, counselor=counselor, starts_at=at(1, 3, 0))
    response = login(counselor).post(
        reverse("appointments:create"), walk_in(student, "2026-11-17", "03:00", confirm_unusual="on")
    )
    page = response.content.decode()
    assert "already has an appointment at that time" in page
    assert 'type="checkbox" name="confirm_unusual"' in page and 'type="hidden" name="confirm_unusual"' not in page
