"""The ``responsibility`` hook (see counseling.roles.responsible_counselor): the duty counselor."""

from __future__ import annotations

import datetime

from appointments.models import DutyRota

# After the case holder (cases) and the grade's counselor (archives).
ORDER = 30


def responsible_for(student, day: datetime.date):
    """The counselor on the mailbox duty rota that day answers for a student nobody else follows."""
    return DutyRota.objects.counselor_on(day)
