"""Notices and reminders about appointments, through the outbox (counseling.services.notify).

Titles and bodies carry names, times, rooms and the way of meeting only: never the topic or
anything else a student told the office. Each message has a key that names the appointment,
the event and the start time, so repeating an action never sends a message twice, and a moved
appointment gets fresh reminders for its new time.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from appointments.enums import AppointmentStatus
from appointments.models import Appointment, OfficeRules
from counseling.enums import Channel
from counseling.services import notify
from counseling.services.messages import Joined, Msg, choice_label


def _url(appointment: Appointment) -> str:
    return reverse("appointments:detail", args=[appointment.pk])


def _stamp(appointment: Appointment) -> str:
    return timezone.localtime(appointment.starts_at).strftime("%Y%m%dT%H%M")


def _place(appointment: Appointment) -> Joined:
    """When, how and where, shown in the reader's language: "2026-12-03 10:00 · Face to face · Room 2"."""
    return Joined([appointment.starts_at, choice_label(Channel, appointment.channel), appointment.room], " · ")


def _send(appointment: Appointment, recipient, event: str, title: Msg) -> None:
    notify.notify(
        recipient,
        key=f"appt:{appointment.pk}:{event}:{_stamp(appointment)}:{recipient.pk}",
        kind=notify.Kind.APPOINTMENT,
        title=title,
        body=_place(appointment),
        url=_url(appointment),
        # A guardian reads the quiet kind and the link by text message too (no e-mail at school).
        sms=recipient.is_guardian,
    )


def booked(appointment: Appointment, *, by) -> None:
    """Tell the student and the counselor about a new appointment or request (not the one who made it twice)."""
    student, counselor = appointment.student, appointment.counselor
    at = appointment.starts_at
    if appointment.status == AppointmentStatus.REQUESTED:
        _send(
            appointment,
            student,
            "requested",
            Msg(
                gettext_noop("Appointment requested: %(when)s with %(counselor)s (waiting for confirmation)"),
                when=at,
                counselor=counselor,
            ),
        )
        _send(
            appointment,
            counselor,
            "requested",
            Msg(gettext_noop("New appointment request: %(student)s, %(when)s"), student=student, when=at),
        )
        return
    _send(
        appointment,
        student,
        "booked",
        Msg(gettext_noop("Appointment booked: %(when)s with %(counselor)s"), when=at, counselor=counselor),
    )
    if by is None or by.pk != counselor.pk:
        _send(
            appointment,
            counselor,
            "booked",
            Msg(gettext_noop("New appointment: %(student)s, %(when)s"), student=student, when=at),
        )


def confirmed(appointment: Appointment) -> None:
    _send(
        appointment,
        appointment.student,
        "confirmed",
        Msg(
            gettext_noop("Appointment confirmed: %(when)s with %(counselor)s"),
            when=appointment.starts_at,
            counselor=appointment.counselor,
        ),
    )


def declined(appointment: Appointment) -> None:
    _send(
        appointment,
        appointment.student,
        "declined",
        Msg(
            gettext_noop("Your appointment request for %(when)s could not be accepted. Please choose another time."),
            when=appointment.starts_at,
        ),
    )


def moved(appointment: Appointment, old_start: datetime.datetime, *, by) -> None:
    """Tell both people the new time (the mover gets it as a confirmation)."""
    for recipient in (appointment.student, appointment.counselor):
        _send(
            appointment,
            recipient,
            "moved",
            Msg(gettext_noop("Appointment moved to %(when)s (was %(old)s)"), when=appointment.starts_at, old=old_start),
        )


def cancelled(appointment: Appointment, *, by) -> None:
    """Tell the other person (or both, when the office cancels on the head counselor's behalf)."""
    for recipient in (appointment.student, appointment.counselor):
        if by is not None and recipient.pk == by.pk:
            continue
        _send(
            appointment,
            recipient,
            "cancelled",
            Msg(gettext_noop("Appointment cancelled: %(when)s"), when=appointment.starts_at),
        )


def schedule_reminders(appointment: Appointment, rules: OfficeRules | None = None) -> int:
    """Put the reminders (default 24 h and 1 h before) in the outbox for student and counselor.

    A reminder whose time has passed is skipped; one still unsent when the appointment begins
    (the worker was down) is dropped, not sent late. Returns how many were scheduled.
    """
    rules = rules or OfficeRules.load()
    now = timezone.now()
    count = 0
    for offset in rules.reminder_offsets:
        send_after = appointment.starts_at - offset
        if send_after <= now:
            continue
        hours = int(offset.total_seconds() // 3600)
        for recipient, title in (
            (
                appointment.student,
                Msg(
                    gettext_noop("Reminder: counseling appointment %(when)s with %(counselor)s"),
                    when=appointment.starts_at,
                    counselor=appointment.counselor,
                ),
            ),
            (
                appointment.counselor,
                Msg(
                    gettext_noop("Reminder: appointment with %(student)s at %(when)s"),
                    student=appointment.student,
                    when=appointment.starts_at,
                ),
            ),
        ):
            count += notify.schedule(
                recipient,
                key=f"appt:{appointment.pk}:remind:{_stamp(appointment)}:{hours}h:{recipient.pk}",
                kind=notify.Kind.APPOINTMENT,
                title=title,
                body=_place(appointment),
                url=_url(appointment),
                send_after=send_after,
                stale_after=appointment.starts_at,
                sms=recipient.is_guardian,
            )
    return count


def cancel_reminders(appointment: Appointment) -> int:
    """Withdraw the unsent reminders of an appointment (after a move, cancellation or outcome)."""
    return notify.cancel(f"appt:{appointment.pk}:remind:")


def office_closed(appointments, *, by) -> int:
    """Tell the student and the counselor of each booked appointment that its day is now closed.

    The appointments are not cancelled (the counselor finds a new time with the student); the
    notices say so. Keys name the appointment and its time, so closing the same days twice tells
    nobody twice. Returns how many appointments were concerned.
    """
    count = 0
    for appointment in appointments.select_related("student", "counselor"):
        count += 1
        at = appointment.starts_at
        for recipient, title in (
            (
                appointment.student,
                Msg(
                    gettext_noop(
                        "The counseling office is closed at %(when)s: your appointment will get a new time. Look at it, or move it yourself."
                    ),
                    when=at,
                ),
            ),
            (
                appointment.counselor,
                Msg(
                    gettext_noop(
                        "Your appointment with %(student)s at %(when)s falls on closed days: find a new time."
                    ),
                    student=appointment.student,
                    when=at,
                ),
            ),
        ):
            if by is not None and recipient.pk == by.pk:
                continue
            _send(appointment, recipient, "closed", title)
    return count
