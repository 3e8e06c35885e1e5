"""Who answers for a student: the grade's counselor, else the counselor on duty, else the head."""

from __future__ import annotations

import datetime

from django.utils import timezone

from archives.models import GradeCounselor
from counseling.enums import Role
from counseling.models import User


def head_counselor() -> User | None:
    return User.objects.filter(role=Role.HEAD_COUNSELOR, is_active=True).order_by("id").first()


def responsible_counselor(student: User, day: datetime.date | None = None) -> User | None:
    """The counselor who answers for ``student``: their grade's counselor (GradeCounselor), else the
    duty counselor of ``day`` (appointments' rota), else the head counselor. None only when the
    school has no counseling staff at all."""
    profile = getattr(student, "student_profile", None)
    if profile is not None:
        assignment = (
            GradeCounselor.objects.filter(grade_id=profile.school_class.grade_id, counselor__is_active=True)
            .select_related("counselor")
            .first()
        )
        if assignment is not None:
            return assignment.counselor
    from appointments.services import duty_counselor

    return duty_counselor(day or timezone.localdate()) or head_counselor()
