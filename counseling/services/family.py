"""Who is whose guardian: the one door every feature asks before it shows a guardian anything.

A guardian reaches a student only through a live ``GuardianLink``. Pages for guardians list
*requests to the family* (consent, parent classes, notices) for ``children_of(guardian)``; no
function here returns, or may be used to reach, a child's counseling records.
"""

from __future__ import annotations

from django.db.models import QuerySet

from counseling.enums import Role
from counseling.models import SchoolClass, User


def children_of(guardian: User) -> QuerySet[User]:
    """The current students ``guardian`` is linked to (none for anyone who is not a guardian)."""
    if not (guardian.is_authenticated and guardian.is_active and guardian.is_guardian):
        return User.objects.none()
    return User.objects.filter(
        guardian_links__guardian=guardian,
        guardian_links__revoked_at__isnull=True,
        is_active=True,
        student_profile__is_archived=False,
    ).order_by("name", "pk")


def is_guardian_of(guardian: User, student: User) -> bool:
    return children_of(guardian).filter(pk=student.pk).exists()


def guardians_of(students) -> QuerySet[User]:
    """Active guardian accounts linked to any of ``students`` (users or ids)."""
    return (
        User.objects.filter(
            is_active=True,
            role=Role.GUARDIAN,
            child_links__student__in=students,
            child_links__revoked_at__isnull=True,
        )
        .distinct()
        .order_by("name", "pk")
    )


def guardians_of_class(school_class: SchoolClass) -> QuerySet[User]:
    """Active guardians of the class's current students."""
    return guardians_of(
        User.objects.filter(student_profile__school_class=school_class, student_profile__is_archived=False)
    )
