"""Choices of the appointments app, with translated labels."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AppointmentStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("appointment status", "Requested")
    CONFIRMED = "confirmed", pgettext_lazy("appointment status", "Confirmed")
    DECLINED = "declined", pgettext_lazy("appointment status", "Declined")
    CANCELLED = "cancelled", pgettext_lazy("appointment status", "Cancelled")
    ATTENDED = "attended", pgettext_lazy("appointment status", "Attended")
    NO_SHOW = "no_show", pgettext_lazy("appointment status", "No-show")


# Statuses that hold the counselor's and the student's time: two of these never overlap.
BLOCKING_STATUSES = (
    AppointmentStatus.REQUESTED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.ATTENDED,
    AppointmentStatus.NO_SHOW,
)
# Statuses of an appointment that is still ahead: it may be confirmed, moved or cancelled.
OPEN_STATUSES = (AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED)


class AppointmentSource(models.TextChoices):
    """How the appointment came about (预约途径)."""

    ONLINE = "online", _("Booked online by the client")
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("By phone")
    MAILBOX = "mailbox", _("From the mailbox")
    FOLLOW_UP = "follow_up", pgettext_lazy("appointment source", "Follow-up")
    WAITLIST = "waitlist", _("From the waitlist")


class TimeOfDay(models.TextChoices):
    ANY = "any", _("Any time")
    MORNING = "morning", _("Morning (before 12:00)")
    NOON = "noon", _("Midday (12:00-14:00)")
    AFTERNOON = "afternoon", _("Afternoon (14:00-17:00)")
    EVENING = "evening", _("After school (from 17:00)")

    def matches(self, start: datetime.time) -> bool:
        hour = start.hour
        return {
            TimeOfDay.ANY: True,
            TimeOfDay.MORNING: hour < 12,
            TimeOfDay.NOON: 12 <= hour < 14,
            TimeOfDay.AFTERNOON: 14 <= hour < 17,
            TimeOfDay.EVENING: hour >= 17,
        }[self]


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("waitlist", "Waiting")
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Left the waitlist")


class OfferStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("waitlist offer", "Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", pgettext_lazy("appointment status", "Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MailboxKind(models.TextChoices):
    REQUEST = "request", _("Request for an appointment")
    LETTER = "letter", _("Letter")


class MailboxStatus(models.TextChoices):
    NEW = "new", _("New")
    SCHEDULED = "scheduled", _("Appointment scheduled")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", pgettext_lazy("mailbox status", "Closed")


class CloseReason(models.TextChoices):
    HANDLED_IN_PERSON = "in_person", _("Handled in person")
    NOT_COUNSELING = "not_counseling", _("Not a counseling matter")
    DUPLICATE = "duplicate", _("Duplicate of another item")
    NO_ACTION = "no_action", _("No action needed")
    OTHER = "other", pgettext_lazy("close reason", "Other")


class Recurrence(models.IntegerChoices):
    WEEKLY = 7, _("Weekly")
    FORTNIGHTLY = 14, _("Every two weeks")
