"""Helpers shared by the appointments views: permission checks, the one door to an appointment."""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone

from appointments.models import Appointment

STUDENT_OR_STAFF = ("appointments.book", "appointments.view_agenda")


def get_appointment_for(user, pk: int) -> Appointment:
    """The appointment if ``user`` may see it, else 404 (never reveal that it exists)."""
    queryset = Appointment.objects.visible_to(user).select_related(
        "student__student_profile__school_class__grade", "counselor", "topic"
    )
    return get_object_or_404(queryset, pk=pk)


def parse_day(text: str | None, default: datetime.date | None = None) -> datetime.date:
    """A ``YYYY-MM-DD`` date from a query string; anything unreadable means ``default`` (today)."""
    default = default or timezone.localdate()
    if not text or len(text) > 10:
        return default
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return default
    return day if 2000 <= day.year <= 2100 else default


def is_student_of(appointment: Appointment, user) -> bool:
    return appointment.student_id == user.pk
