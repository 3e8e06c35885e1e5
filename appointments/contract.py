"""What the other feature apps may ask of the appointments: this module, and nothing else.

The case records attach a session note to the attended appointment it records
(``attended_appointments``); see docs/architecture.md, "The contract between the features".
"""

from __future__ import annotations

from django.db.models import QuerySet

from appointments.enums import AppointmentStatus
from appointments.models import Appointment


def attended_appointments(user, student) -> QuerySet[Appointment]:
    """``student``'s attended appointments that ``user`` may see, newest first."""
    return (
        Appointment.objects.visible_to(user)
        .filter(student=student, status=AppointmentStatus.ATTENDED)
        .order_by("-starts_at")
    )


__all__ = ["Appointment", "attended_appointments"]
