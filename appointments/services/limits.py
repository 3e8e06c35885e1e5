"""Limits every way of booking shares (a booking, a move, joining the waitlist)."""

from __future__ import annotations

from django.utils.translation import ngettext

from appointments.models import Appointment, OfficeRules
from appointments.services.errors import BookingError


def check_student_limit(student, rules: OfficeRules, exclude_pk: int | None = None) -> None:
    upcoming = Appointment.objects.upcoming().filter(student=student)
    if exclude_pk:
        upcoming = upcoming.exclude(pk=exclude_pk)
    if upcoming.count() >= rules.max_upcoming_per_student:
        raise BookingError(
            ngettext(
                "You already have an upcoming appointment. Move or cancel it before booking another.",
                "You already have %(count)d upcoming appointments, the most you can hold. Move or cancel one first.",
                rules.max_upcoming_per_student,
            )
            % {"count": rules.max_upcoming_per_student}
        )
