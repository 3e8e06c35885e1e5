"""The ``responsibility`` hook (see counseling.roles.responsible_counselor): the grade's counselor."""

from __future__ import annotations

import datetime

from archives.models import GradeCounselor

# After the case holder (cases), before the duty rota (appointments).
ORDER = 20


def responsible_for(student, day: datetime.date):
    """The active counselor assigned to the student's grade, if any."""
    profile = getattr(student, "student_profile", None)
    if profile is None:
        return None
    assignment = (
        GradeCounselor.objects.filter(grade_id=profile.school_class.grade_id, counselor__is_active=True)
        .select_related("counselor")
        .first()
    )
    return assignment.counselor if assignment is not None else None
