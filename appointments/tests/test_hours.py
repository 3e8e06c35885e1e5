"""Opening hours: weekly schedules, closed days, extra sessions, the office rules and the public page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from appointments.models import ClosedDay, DutyRota, OfficeRules, WeeklySchedule
from appointments.services import duty_counselor
from appointments.services.slots import office_slots
from appointments.tests.conftest import at
from appointments.tests.factories import ClosedDayFactory, ExtraSessionFactory, WeeklyScheduleFactory
from counseling.models import OutboxMessage
from counseling.tests import notices
from counseling.tests.factories import TermFactory

pytestmark = pytest.mark.django_db
MONDAY = at(0, 0).date()


def starts(slots) -> list[str]:
    return [s.local_start.strftime("%a %H:%M") for s in slots]


def test_weekly_hours_are_cut_into_whole_slots(counselor, term) -> None:
    WeeklyScheduleFactory(counselor=counselor, term=term, weekday=0, start_time="17:25", end_time="18:25")
    WeeklyScheduleFactory(
        counselor=counselor, term=term, weekday=4, start_time="16:00", end_time="17:10", slot_minutes=45
    )
    slots = office_slots(MONDAY, MONDAY + datetime.timedelta(days=6))
    assert starts(slots) == ["Mon 17:25", "Mon 17:55", "Fri 16:00"]
    assert slots[0].ends_at == at(0, 17, 55)
    assert slots[0].room == "301"


def test_hours_count_only_inside_their_term(counselor, term) -> None:
    other_term = TermFactory(school_year=term.school_year - 1, semester=2, is_current=False)
    WeeklyScheduleFactory(counselor=counselor, term=other_term, weekday=0)
    assert office_slots(MONDAY, MONDAY) == []


def test_closed_days_remove_hours_for_the_office_or_one_counselor(
    counselor, other_counselor, hours, other_hours
) -> None:
    ClosedDayFactory(start_date=MONDAY, end_date=MONDAY + datetime.timedelta(days=1), reason="Holiday")
    ClosedDayFactory(start_date=MONDAY + datetime.timedelta(days=2), counselor=counselor, reason="Training")
    slots = office_slots(MONDAY, MONDAY + datetime.timedelta(days=2))
    assert {(s.counselor_id, s.local_start.date()) for s in slots} == {
        (other_counselor.pk, MONDAY + datetime.timedelta(days=2))
    }


def test_an_extra_session_adds_hours_on_its_date(counselor) -> None:
    ExtraSessionFactory(
        counselor=counselor, date=MONDAY + datetime.timedelta(days=5), start_time="09:00", end_time="10:00"
    )
    assert starts(office_slots(MONDAY, MONDAY + datetime.timedelta(days=6))) == ["Sat 09:00", "Sat 09:30"]


def test_the_head_counselor_manages_hours_in_the_app(login, head, counselor, term) -> None:
    client = login(head)
    response = client.post(
        reverse("appointments:schedule_new"),
        {
            "counselor": counselor.pk,
            "term": term.pk,
            "weekday": 4,
            "start_time": "16:00",
            "end_time": "17:00",
            "room": "302",
            "slot_minutes": 30,
        },
    )
    assert response.status_code == 302
    schedule = WeeklySchedule.objects.get()
    assert (schedule.weekday, schedule.start_time, schedule.room) == (4, datetime.time(16), "302")
    response = client.post(
        reverse("appointments:schedule_edit", args=[schedule.pk]),
        {
            "counselor": counselor.pk,
            "term": term.pk,
            "weekday": 4,
            "start_time": "16:00",
            "end_time": "17:30",
            "room": "302",
            "slot_minutes": 30,
        },
    )
    schedule.refresh_from_db()
    assert schedule.end_time == datetime.time(17, 30)
    page = client.get(reverse("appointments:hours")).content.decode()
    assert "16:00–17:30" in page
    client.post(reverse("appointments:schedule_delete", args=[schedule.pk]))
    assert not WeeklySchedule.objects.exists()


def test_an_administrator_adds_closed_days_and_is_warned_about_bookings(
    login, administrator, counselor, student, hours
) -> None:
    from appointments.tests.factories import AppointmentFactory

    AppointmentFactory(student=student, counselor=counselor, starts_at=at(2, 17, 25))
    response = login(administrator).post(
        reverse("appointments:closed_new"),
        {"start_date": "2026-11-18", "end_date": "2026-11-19", "reason": "运动会"},
        follow=True,
    )
    assert ClosedDay.objects.get().reason == "运动会"
    assert (
        "1 booked appointment falls on these days. It is not cancelled; its student and counselor have been told."
        in (response.content.decode())
    )
    # Both people concerned are told, once, in the app (the e-mail says only that a notice waits).
    for person in (student, counselor):
        notice = OutboxMessage.objects.get(recipient=person, dedupe_key__contains=":closed:")
        assert notices.when(at(2, 17, 25)) in notices.titles([notice])[0]
    assert (
        "new time" in notices.titles([OutboxMessage.objects.get(recipient=student, dedupe_key__contains=":closed:")])[0]
    )
    login(administrator).post(
        reverse("appointments:closed_new"), {"start_date": "2026-11-18", "end_date": "2026-11-18", "reason": "again"}
    )
    assert OutboxMessage.objects.filter(dedupe_key__contains=":closed:").count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"weekday": 9, "start_time": "17:00", "end_time": "16:00", "room": "x", "slot_minutes": 30},
        {"weekday": "Monday", "start_time": "noon", "end_time": "later", "room": "x" * 500, "slot_minutes": "lots"},
        {"weekday": 1, "start_time": "17:00", "end_time": "17:20", "room": "301", "slot_minutes": 30},
        {"weekday": 1, "start_time": "17:00", "end_time": "18:00", "room": "301", "slot_minutes": 5},
    ],
)
def test_bad_hours_are_refused(login, head, counselor, term, data) -> None:
    data = {"counselor": counselor.pk, "term": term.pk, **data}
    response = login(head).post(reverse("appointments:schedule_new"), data)
    assert response.status_code == 400
    assert not WeeklySchedule.objects.exists()


def test_closed_days_must_end_after_they_start(login, administrator) -> None:
    response = login(administrator).post(
        reverse("appointments:closed_new"), {"start_date": "2026-11-19", "end_date": "2026-11-18", "reason": "x"}
    )
    assert response.status_code == 400
    assert "The last day cannot be before the first day." in response.content.decode()
    assert not ClosedDay.objects.exists()


def test_the_office_rules_are_edited_in_the_app(login, head) -> None:
    data = {
        "office_place": "行政楼 301",
        "booking_horizon_days": 21,
        "max_upcoming_per_student": 2,
        "booking_cutoff_hours": 12,
        "change_cutoff_hours": 24,
        "approval_required": "on",
        "offer_hold_hours": 6,
        "first_reminder_hours": 48,
        "second_reminder_hours": 2,
    }
    assert login(head).post(reverse("appointments:rules"), data).status_code == 302
    rules = OfficeRules.load()
    assert (rules.booking_horizon_days, rules.approval_required, rules.office_place) == (21, True, "行政楼 301")
    assert rules.reminder_offsets == [datetime.timedelta(hours=48), datetime.timedelta(hours=2)]

    response = login(head).post(
        reverse("appointments:rules"), {**data, "booking_horizon_days": 0, "max_upcoming_per_student": "many"}
    )
    assert response.status_code == 400
    assert OfficeRules.load().booking_horizon_days == 21


def test_the_public_page_shows_hours_and_place_without_sign_in(login, counselor, term) -> None:
    OfficeRules.objects.update_or_create(pk=1, defaults={"office_place": "行政楼三楼 301"})
    WeeklyScheduleFactory(counselor=counselor, term=term, weekday=0, start_time="17:25", end_time="18:25")
    WeeklyScheduleFactory(
        counselor=counselor, term=term, weekday=1, start_time="12:30", end_time="13:30", reserved_for_key_students=True
    )
    ClosedDayFactory(start_date=MONDAY + datetime.timedelta(days=3), reason="Sports day")
    response = login(None).get(reverse("appointments:office"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "行政楼三楼 301" in page
    assert "17:25–18:25" in page
    assert "12:30" not in page  # key-student hours are not advertised
    assert "Sports day" in page


def test_the_duty_counselor_comes_from_the_rota_else_the_head(login, head, counselor, other_counselor) -> None:
    assert duty_counselor(MONDAY) == head
    response = login(head).post(
        reverse("appointments:rota"), {"day_0": counselor.pk, "day_1": other_counselor.pk, "day_2": ""}
    )
    assert response.status_code == 302
    assert duty_counselor(MONDAY) == counselor
    assert duty_counselor(MONDAY + datetime.timedelta(days=1)) == other_counselor
    assert duty_counselor(MONDAY + datetime.timedelta(days=2)) == head
    assert DutyRota.objects.count() == 2
    assert login(head).post(reverse("appointments:rota"), {"day_0": "abc"}).status_code == 400
