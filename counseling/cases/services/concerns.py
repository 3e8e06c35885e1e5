"""Concerns passed on by class teachers and psychology committee members."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from counseling.cases.enums import (
    CaseSource,
    ConcernStatus,
    ReferralUrgency,
    Severity,
    SignalReason,
    SignalSource,
    SignalStatus,
)
from counseling.cases.models import Case, Concern, RiskSignal
from counseling.models import User
from counseling.models.audit import AuditAction
from counseling.roles import users_with_perm
from counseling.services import notify
from counseling.services.messages import Msg

from .cases import open_case
from .signals import open_case_for, raise_signal
from .trail import log


class ConcernError(Exception):
    """A concern action that cannot be done; the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


def signal_key(concern: Concern) -> str:
    """The risk signal's key for a concern: raising it twice does nothing."""
    return f"cases:concern:{concern.pk}"


def referral_signal(*, category, urgency: str) -> tuple[str, str] | None:
    """The (severity, reason) of the risk signal a concern raises, or None.

    A category that signals risk (e.g. self-harm) marked urgent is a crisis; either one alone is
    urgent; a normal concern about anything else raises no signal (the office reads it anyway).
    """
    risky = category is not None and category.signals_risk
    urgent = urgency == ReferralUrgency.URGENT
    if not (risky or urgent):
        return None
    severity = Severity.CRISIS if risky and urgent else Severity.URGENT
    return severity, SignalReason.RISK_CATEGORY if risky else SignalReason.URGENT


def concern_signal(concern: Concern) -> RiskSignal | None:
    """The risk signal the concern raised, if it raised one."""
    return RiskSignal.objects.filter(source_key=signal_key(concern)).first()


def pass_on_concern(*, by, student, category, urgency: str, description: str) -> Concern:
    """Pass a concern about a student on to the office.

    Side effects, in one transaction: the concern row (its text encrypted); an audit entry
    (create); a notice to the head counselor(s) with names and the urgency only; when the concern
    is urgent or its category signals risk, a "referral" risk signal (see ``referral_signal`` and
    ``raise_signal``: routed to the student's counselor and the head counselor, a crisis opens a
    case and tells the leaders). Nothing the referrer wrote goes into the signal.
    """
    if not referable_students(by).filter(pk=student.pk).exists():
        raise ValidationError(_("You can only pass on a concern about a student of your own class."))
    with transaction.atomic():
        concern = Concern.objects.create(
            student=student, referred_by=by, category=category, urgency=urgency, description=description
        )
        log(by, AuditAction.CREATE, concern)
        _tell_heads(concern)
        signal = referral_signal(category=category, urgency=urgency)
        if signal is not None:
            severity, reason = signal
            raise_signal(
                source=SignalSource.REFERRAL,
                severity=severity,
                reason=reason,
                key=signal_key(concern),
                student=student,
                url=reverse("cases:concern_detail", args=[concern.pk]),
                raised_by=by,
            )
    return concern


def _tell_heads(concern: Concern) -> None:
    """Tell the head counselor(s) who passed on a concern about whom, and how urgent (names only)."""
    if concern.urgency == ReferralUrgency.URGENT:
        title = gettext_noop("Urgent: %(name)s passed on a concern about %(student)s")
    else:
        title = gettext_noop("%(name)s passed on a concern about %(student)s")
    for head in users_with_perm("cases.view_all_cases").order_by("pk"):
        notify.notify(
            head,
            key=f"cases:concern:{concern.pk}:to:{head.pk}",
            kind=notify.Kind.TASK,
            title=Msg(title, name=concern.referred_by.get_full_name(), student=concern.student.get_full_name()),
            url=reverse("cases:concern_detail", args=[concern.pk]),
        )


def take_up_concern(concern: Concern, *, by, request: HttpRequest | None = None) -> Case:
    """Take a concern up: link it to the student's open case, or open one held by ``by``.

    Side effects, in one transaction: possibly a new case (see ``open_case``); the concern is
    linked and marked taken up; an audit entry (change) on the concern; its risk signal, unless
    dismissed, is linked to the case, which takes the signal's risk, and acknowledged if it was
    open (see ``open_case_for``).
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
        signal = concern_signal(concern)
        if signal is not None and signal.status != SignalStatus.DISMISSED:
            open_case_for(signal, by=by, request=request)
    return case


def close_concern_without_case(concern: Concern, *, by, request: HttpRequest | None = None) -> None:
    """Record that the office handled a concern without a case (e.g. a talk showed no need).

    Refused (ConcernError) while the concern's risk signal is open: acknowledge it, or dismiss it
    with a reason, first. Side effects, in one transaction: the concern row; an audit entry (change).
    """
    signal = concern_signal(concern)
    if signal is not None and signal.is_open:
        raise ConcernError(
            _(
                "This concern raised a risk signal that is still open. Acknowledge it, or dismiss it with a reason, first."
            )
        )
    with transaction.atomic():
        concern.status = ConcernStatus.NO_CASE
        concern.handled_by = by
        concern.handled_at = timezone.now()
        concern.save(update_fields=["status", "handled_by", "handled_at"])
        log(by, AuditAction.CHANGE, concern, request=request, detail="handled without a case")
