"""The ``responsibility`` hook (see counseling.roles.responsible_counselor): the case holder."""

from __future__ import annotations

import datetime

from counseling.cases.services.cases import colleague_holding

# First: the counselor who already follows the student.
ORDER = 10


def responsible_for(student, day: datetime.date):
    """The counselor holding the student's open case, if any."""
    return colleague_holding(student)
