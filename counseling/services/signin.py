"""Sign-in sheets (初始密码单): first passwords for students, printed once and handed out by class.

The plaintext passwords exist only in the list that ``issue_passwords`` returns, for the one
response that prints them: they are never stored, logged, queued in a task or sent by mail.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from counseling.enums import Role
from counseling.hashers import SheetPasswordHasher
from counseling.models import SchoolClass, User
from counseling.models.audit import AuditAction
from counseling.services.audit import record

# No 0/O/o, 1/l/I: a password read off paper must not be misread.
ALPHABET = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
# As long as AUTH_PASSWORD_VALIDATORS asks of a password of one's own (12), though these never pass through them.
LENGTH = 12
AUDIT_DETAIL = "password issued on a sign-in sheet"

_ACTIVE = Q(students__is_archived=False, students__user__is_active=True)


def _no_password(prefix: str = "") -> Q:
    """No usable password (``prefix`` leads from the queried model to the user's fields)."""
    return Q(**{f"{prefix}password__startswith": UNUSABLE_PASSWORD_PREFIX}) | Q(**{f"{prefix}password": ""})


@dataclass(frozen=True)
class IssuedPassword:
    student: User
    # repr=False: the password must not turn up in a traceback, a log line or a debugger dump.
    password: str = field(repr=False)


def new_password() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def classes_with_password_counts() -> QuerySet[SchoolClass]:
    """Active classes with ``student_count`` (active students) and ``without_password`` (of those)."""
    return (
        SchoolClass.objects.active()
        .select_related("grade")
        .annotate(
            student_count=Count("students", filter=_ACTIVE),
            without_password=Count("students", filter=_ACTIVE & _no_password("students__user__")),
        )
    )


def students_for_sheet(school_class: SchoolClass, *, reissue: bool = False) -> QuerySet[User]:
    """The class's active students by student number; only those without a usable password unless ``reissue``."""
    students = User.objects.filter(
        role=Role.STUDENT,
        is_active=True,
        student_profile__school_class=school_class,
        student_profile__is_archived=False,
    ).select_related("student_profile")
    if not reissue:
        students = students.filter(_no_password())
    return students.order_by("student_profile__student_number")


# Kept out of Django's error reports, which would otherwise list the local variables.
@sensitive_variables("password", "issued", "item")
def issue_passwords(
    students: Iterable[User], *, by: User, request: HttpRequest | None = None
) -> list[IssuedPassword]:
    """Give each student a fresh random password to be printed on a sign-in sheet.

    Side effects, in order, in one transaction: for each student, sets a new random password
    (hashed with the sheet hasher) and ``must_change_password`` and saves those two fields (any session the student
    had ends, as its password hash no longer matches); then writes one audit entry per student
    (CHANGE on the user, by ``by``, without the password). Returns the plaintext passwords, in
    the order of ``students``; they are kept nowhere else.
    """
    issued: list[IssuedPassword] = []
    with transaction.atomic():
        for student in students:
            password = new_password()
            # The sheet hasher: fewer rounds for a random one-time password (see counseling.hashers).
            student.password = make_password(password, hasher=SheetPasswordHasher.algorithm)
            student.must_change_password = True
            student.save(update_fields=["password", "must_change_password"])
            issued.append(IssuedPassword(student, password))
        # Audit after all the hashing: the first entry takes the chain's lock until commit, and
        # other writers should not wait while a class's passwords are hashed.
        for item in issued:
            record(by, AuditAction.CHANGE, item.student, request=request, student_id=item.student.pk, detail=AUDIT_DETAIL)
    return issued
