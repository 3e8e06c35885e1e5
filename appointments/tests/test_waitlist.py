"""The waitlist: a freed time is held for the first suitable student, then passes on."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from appointments.enums import AppointmentSource, OfferStatus, TimeOfDay, WaitlistStatus
from appointments.models import Appointment, OfficeRules, WaitlistEntry, WaitlistOffer
from appointments.services import booking
from appointments.services.waitlist import hold_until
from appointments.tasks import expire_offers
from appointments.tests.conftest import at, key
from appointments.tests.factories import AppointmentFactory, WaitlistEntryFactory
from counseling.models import OutboxMessage
from counseling.tests import notices
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_day(counselor, other_student, hours):
    """Tuesday 17:25 is booked by other_student; the student waits for the counselor after school."""
    return AppointmentFactory(student=other_student, counselor=counselor, starts_at=at(1, 17, 25))


def test_a_student_joins_the_waitlist(login, student, counselor) -> None:
    response = login(student).post(
        reverse("appointments:waitlist_join"), {"counselor": counselor.pk, "time_of_day": "evening", "channel": "phone"}
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.student, entry.counselor, entry.time_of_day, entry.status) == (
        student,
        counselor,
        "evening",
        "waiting",
    )
    response = login(student).post(reverse("appointments:waitlist_join"), {"time_of_day": "any", "channel": "phone"})
    assert response.status_code == 400
    assert "You are already on the waitlist." in response.content.decode()
    assert (
        login(student)
        .post(reverse("appointments:waitlist_join"), {"time_of_day": "midnight", "channel": "x"})
        .status_code
        == 400
    )


def test_a_freed_time_is_offered_to_the_first_in_line_and_held(
    login, student, other_student, counselor, full_day, school_class
) -> None:
    WaitlistEntryFactory(student=student, counselor=counselor, time_of_day=TimeOfDay.EVENING)
    later = make_student("later", school_class, student_number="20250005")
    WaitlistEntryFactory(student=later, counselor=None)
    booking.cancel(full_day, by=other_student)
    offer = WaitlistOffer.objects.get()
    assert (offer.entry.student, offer.starts_at, offer.status) == (student, at(1, 17, 25), OfferStatus.OPEN)
    # Held for the default 4 hours from now (Monday 09:00).
    assert abs(offer.expires_at - at(0, 13, 0)) < datetime.timedelta(minutes=1)
    message = OutboxMessage.objects.get(recipient=student, dedupe_key=f"offer:{offer.pk}")
    assert notices.when(at(1, 17, 25)) in notices.titles([message])[0]
    # Held: nobody else sees or gets it meanwhile.
    assert key(at(1, 17, 25)) not in login(later).get(reverse("appointments:book")).content.decode()
    response = login(later).post(
        f"{reverse('appointments:book_confirm')}?counselor={counselor.pk}&start={key(at(1, 17, 25))}",
        {"channel": "face_to_face"},
    )
    assert response.status_code == 409
    # The student takes it.
    page = login(student).get(reverse("appointments:mine")).content.decode()
    assert 'data-testid="offer"' in page
    response = login(student).post(reverse("appointments:offer_accept", args=[offer.pk]))
    appointment = Appointment.objects.get(student=student)
    assert response.status_code == 302
    assert (appointment.starts_at, appointment.source) == (at(1, 17, 25), AppointmentSource.WAITLIST)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert WaitlistEntry.objects.get(student=student).status == WaitlistStatus.BOOKED


def test_an_expired_offer_passes_to_the_next_in_line(
    login, student, other_student, counselor, full_day, school_class, clock
) -> None:
    OfficeRules.objects.update_or_create(pk=1, defaults={"offer_hold_hours": 2})
    WaitlistEntryFactory(student=student, counselor=counselor)
    later = make_student("later", school_class, student_number="20250005")
    WaitlistEntryFactory(student=later, counselor=None)
    booking.cancel(full_day, by=other_student)
    first = WaitlistOffer.objects.get()
    assert abs(first.expires_at - at(0, 11, 0)) < datetime.timedelta(minutes=1)
    assert expire_offers() == 0  # not yet
    clock.move_to(at(0, 11, 5))
    assert expire_offers() == 1
    assert expire_offers() == 0  # a second scan (or a second worker) changes nothing
    first.refresh_from_db()
    assert first.status == OfferStatus.EXPIRED
    second = WaitlistOffer.objects.get(status=OfferStatus.OPEN)
    assert second.entry.student == later
    # The first student is still waiting, but cannot take the passed-on slot.
    assert WaitlistEntry.objects.get(student=student).status == WaitlistStatus.WAITING
    response = login(student).post(reverse("appointments:offer_accept", args=[first.pk]), follow=True)
    assert "This offer has run out." in response.content.decode()
    assert not Appointment.objects.filter(student=student).exists()


def test_a_declined_offer_passes_on_at_once(login, student, other_student, counselor, full_day, school_class) -> None:
    WaitlistEntryFactory(student=student, counselor=counselor)
    later = make_student("later", school_class, student_number="20250005")
    WaitlistEntryFactory(student=later)
    booking.cancel(full_day, by=other_student)
    offer = WaitlistOffer.objects.get()
    login(student).post(reverse("appointments:offer_decline", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED
    assert WaitlistOffer.objects.get(status=OfferStatus.OPEN).entry.student == later


def test_offers_respect_the_time_of_day(student, other_student, counselor, full_day) -> None:
    WaitlistEntryFactory(student=student, time_of_day=TimeOfDay.MORNING)
    booking.cancel(full_day, by=other_student)
    assert not WaitlistOffer.objects.exists()


def test_others_cannot_answer_my_offer(login, student, other_student, counselor, full_day) -> None:
    WaitlistEntryFactory(student=student)
    booking.cancel(full_day, by=other_student)
    offer = WaitlistOffer.objects.get()
    assert login(other_student).post(reverse("appointments:offer_accept", args=[offer.pk])).status_code == 404
    assert login(other_student).post(reverse("appointments:offer_decline", args=[offer.pk])).status_code == 404


def test_leaving_the_waitlist_passes_a_held_slot_on(
    login, student, other_student, counselor, full_day, school_class
) -> None:
    entry = WaitlistEntryFactory(student=student)
    later = make_student("later", school_class, student_number="20250005")
    WaitlistEntryFactory(student=later)
    booking.cancel(full_day, by=other_student)
    login(student).post(reverse("appointments:waitlist_leave", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.CANCELLED
    assert WaitlistOffer.objects.get(status=OfferStatus.OPEN).entry.student == later


def test_an_evening_offer_is_held_through_the_night(
    login, student, other_student, counselor, full_day, school_class, clock
) -> None:
    """Freed at 20:30 with a 4-hour hold: 1.5 hours that evening, the rest from 07:00 the next day;
    the slot (Tuesday 17:25) is still far enough away. A scan at 03:00 expires nothing."""
    WaitlistEntryFactory(student=student, counselor=counselor)
    clock.move_to(at(0, 20, 30))
    booking.cancel(full_day, by=other_student)
    offer = WaitlistOffer.objects.get()
    assert abs(offer.expires_at - at(1, 9, 30)) < datetime.timedelta(minutes=1)
    clock.move_to(at(1, 3, 0))
    assert expire_offers() == 0
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN


@pytest.mark.parametrize(
    ("start", "hours", "end"),
    [
        ((0, 9, 0), 4, (0, 13, 0)),
        ((0, 21, 0), 4, (1, 10, 0)),
        ((0, 23, 30), 2, (1, 9, 0)),
        ((0, 5, 0), 1, (0, 8, 0)),
        ((0, 21, 0), 72, (5, 18, 0)),
    ],
)
def test_hold_hours_count_only_waking_hours(start, hours, end) -> None:
    assert hold_until(at(*start), hours) == at(*end)
