"""Reminders 24 h and 1 h before, and notices on every change, through the outbox: once each, no topic."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from appointments.models import Appointment, OfficeRules
from appointments.services import booking
from appointments.tests.conftest import at, key
from counseling.models import ConcernCategory, Notification, OutboxMessage
from counseling.services.notify import deliver_due
from counseling.tests import notices

pytestmark = pytest.mark.django_db


def book_tuesday(login, student, counselor, **extra):
    url = f"{reverse('appointments:book_confirm')}?counselor={counselor.pk}&start={key(at(1, 17, 25))}"
    login(student).post(url, {"channel": "face_to_face", **extra})
    return Appointment.objects.get()


def reminders(appointment):
    return OutboxMessage.objects.filter(dedupe_key__startswith=f"appt:{appointment.pk}:remind:").order_by(
        "send_after", "recipient_id"
    )


def test_booking_schedules_reminders_for_both_people(login, student, counselor, hours) -> None:
    appointment = book_tuesday(login, student, counselor)
    rows = set(reminders(appointment).values_list("recipient__username", "send_after"))
    assert rows == {
        ("student", at(0, 17, 25)),
        ("counselor", at(0, 17, 25)),
        ("student", at(1, 16, 25)),
        ("counselor", at(1, 16, 25)),
    }


def test_a_reminder_is_delivered_once_even_if_delivery_runs_twice(login, student, counselor, hours, clock) -> None:
    book_tuesday(login, student, counselor)
    deliver_due()
    mail.outbox.clear()
    Notification.objects.all().delete()
    clock.move_to(at(0, 17, 26))  # the 24-hour reminders are due
    assert deliver_due() == 2
    assert deliver_due() == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["counselor@school.example", "student@school.example"]
    assert [title.startswith("Reminder") for title in notices.titles(Notification.objects.all())] == [True, True]
    # Scheduling the same reminders again (a retried task) adds nothing.
    from appointments.services.notices import schedule_reminders

    assert schedule_reminders(Appointment.objects.get()) == 0
    assert reminders(Appointment.objects.get()).count() == 4


def test_no_message_carries_the_topic(login, student, counselor, hours, clock) -> None:
    topic = ConcernCategory.objects.get(code="family")
    appointment = book_tuesday(login, student, counselor, topic=topic.pk)
    assert appointment.topic == topic
    booking.move(appointment, by=counselor, starts_at=at(2, 10, 0))
    booking.cancel(appointment, by=counselor)
    clock.move_to(at(3, 0, 0))
    deliver_due()
    texts = [m.title + m.body for m in OutboxMessage.objects.all()] + [m.subject + m.body for m in mail.outbox]
    assert texts
    for text in texts:
        for word in (topic.name_zh, topic.name_en, topic.code):
            assert word not in text


def test_moving_replaces_the_reminders(login, student, counselor, hours) -> None:
    appointment = book_tuesday(login, student, counselor)
    booking.move(appointment, by=counselor, starts_at=at(3, 10, 0))
    sends = sorted(set(reminders(appointment).values_list("send_after", flat=True)))
    assert sends == [at(2, 10, 0), at(3, 9, 0)]
    assert OutboxMessage.objects.filter(recipient=student, dedupe_key__contains=":moved:").exists()


def test_cancelling_withdraws_the_reminders(login, student, counselor, hours) -> None:
    appointment = book_tuesday(login, student, counselor)
    login(student).post(reverse("appointments:cancel", args=[appointment.pk]))
    assert not reminders(appointment).exists()
    assert OutboxMessage.objects.filter(recipient=counselor, dedupe_key__contains=":cancelled:").exists()


def test_a_request_gets_reminders_once_confirmed(login, student, counselor, hours) -> None:
    OfficeRules.objects.update_or_create(pk=1, defaults={"approval_required": True})
    appointment = book_tuesday(login, student, counselor)
    assert not reminders(appointment).exists()
    login(counselor).post(reverse("appointments:confirm", args=[appointment.pk]))
    assert reminders(appointment).count() == 4


def test_reminder_times_are_configurable(login, student, counselor, hours) -> None:
    OfficeRules.objects.update_or_create(pk=1, defaults={"first_reminder_hours": 0, "second_reminder_hours": 3})
    appointment = book_tuesday(login, student, counselor)
    assert set(reminders(appointment).values_list("send_after", flat=True)) == {at(1, 14, 25)}


def test_a_reminder_that_comes_due_after_its_appointment_is_dropped(login, student, counselor, hours, clock) -> None:
    """The worker was down from Monday until Tuesday 18:00: the reminders of the 17:25 visit are
    not sent late, and the health page does not count them as overdue."""
    appointment = book_tuesday(login, student, counselor)
    assert set(reminders(appointment).values_list("stale_after", flat=True)) == {appointment.starts_at}
    clock.move_to(at(1, 18, 0))
    deliver_due()
    assert not Notification.objects.filter(title__startswith="Reminder").exists()
    assert not [message for message in mail.outbox if "Reminder" in message.subject]
    assert all(row.dropped_at is not None and row.sent_at is None for row in reminders(appointment))


def test_a_reminder_due_before_its_appointment_still_goes_out(login, student, counselor, hours, clock) -> None:
    appointment = book_tuesday(login, student, counselor)
    clock.move_to(at(1, 16, 30))  # after both reminders came due, before the visit
    deliver_due()
    assert reminders(appointment).filter(sent_at__isnull=False).count() == 4
