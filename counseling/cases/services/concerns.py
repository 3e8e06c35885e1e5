"""Concerns passed on by class teachers and psychology committee members."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling.cases.enums import CaseSource, ConcernStatus
from counseling.cases.models import Case, Concern
from counseling.models import User
from counseling.models.audit import AuditAction
from counseling.services import notify

from .cases import open_case
from .crisis import holders_of
from .language import in_school_language
from .trail import log


def referable_students(user):
    """The students ``user`` may pass a concern on about: a class teacher's own (active) classes;
    a psychology committee member's classmates. Nobody else."""
    students = User.objects.filter(is_active=True, student_profile__is_archived=False)
    if not user.has_perm("cases.refer_student"):
        return students.none()
    profile = getattr(user, "student_profile", None)
    if profile is not None:
        return students.filter(student_profile__school_class=profile.school_class_id).exclude(pk=user.pk)
    return students.filter(
        student_profile__school_class__class_teacher=user, student_profile__school_class__is_archived=False
    )


def pass_on_concern(*, by, student, category, urgency: str, description: str) -> Concern:
    """Pass a concern about a student on to the office.

    Side effects, in one transaction: the concern row (its text encrypted); an audit entry
    (create); a notice to the head counselor(s) with names only.
    """
    if not referable_students(by).filter(pk=student.pk).exists():
        raise ValidationError(_("You can only pass on a concern about a student of your own class."))
    with transaction.atomic():
        concern = Concern.objects.create(
            student=student, referred_by=by, category=category, urgency=urgency, description=description
        )
        log(by, AuditAction.CREATE, concern)
        _tell_heads(concern)
    return concern


@in_school_language
def _tell_heads(concern: Concern) -> None:
    """Tell the head counselor(s) who passed on a concern about whom (names only)."""
    for head in holders_of("cases.view_all_cases"):
        notify.notify(
            head,
            key=f"cases:concern:{concern.pk}:to:{head.pk}",
            title=_("%(name)s passed on a concern about %(student)s")
            % {"name": concern.referred_by.get_full_name(), "student": concern.student.get_full_name()},
            url=reverse("cases:concern_detail", args=[concern.pk]),
        )


def take_up_concern(concern: Concern, *, by, request: HttpRequest | None = None) -> Case:
    """Take a concern up: link it to the student's open case, or open one held by ``by``.

    Side effects, in one transaction: possibly a new case (see ``open_case``); the concern is
    linked and marked taken up; an audit entry (change) on the concern.
    """
    with transaction.atomic():
        case = open_case(
            student=concern.student,
            counselor=by,
            source=CaseSource.TEACHER_REFERRAL,
            opened_by=by,
            request=request,
            categories=[concern.category] if concern.category else [],
        )
        concern.case = case
        concern.status = ConcernStatus.ACCEPTED
        concern.handled_by = by
        concern.handled_at = timezone.now()
        concern.save(update_fields=["case", "status", "handled_by", "handled_at"])
        log(by, AuditAction.CHANGE, concern, request=request, detail=f"taken up in case {case.pk}")
    return case


def close_concern_without_case(concern: Concern, *, by, request: HttpRequest | None = None) -> None:
    """Record that the office handled a concern without a case (e.g. a talk showed no need).

    Side effects, in one transaction: the concern row; an audit entry (change).
    """
    with transaction.atomic():
        concern.status = ConcernStatus.NO_CASE
        concern.handled_by = by
        concern.handled_at = timezone.now()
        concern.save(update_fields=["status", "handled_by", "handled_at"])
        log(by, AuditAction.CHANGE, concern, request=request, detail="handled without a case")
