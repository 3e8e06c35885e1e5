"""Opening cases (changing one, which may raise a risk signal, is ``services/risk.py``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from counseling.cases.enums import CaseSource, RiskLevel
from counseling.cases.models import Case
from counseling.models.audit import AuditAction

from .crisis import escalate
from .trail import log


class CaseAlreadyOpenError(Exception):
    """The student already has a case that is not closed."""

    def __init__(self, case: Case) -> None:
        super().__init__(f"student {case.student_id} already has case {case.pk}")
        self.case = case


class GuardianContactMissingError(Exception):
    """A case with a crisis cannot close before each escalation's guardian contact is on record."""

    def __init__(self, escalations: list) -> None:
        super().__init__(f"escalations without guardian contact: {[e.pk for e in escalations]}")
        self.escalations = escalations


def escalations_without_guardian_contact(case: Case) -> list:
    """The case's escalations whose guardian contact (time, by whom, outcome) or reason is missing."""
    return [
        escalation for escalation in case.escalations.order_by("raised_at") if not escalation.guardian_contact_settled
    ]


def colleague_holding(student):
    """The counselor who holds the student's open case, or None.

    Any counselor may know *that* a student is being followed and by whom, so two colleagues do
    not open parallel cases; nothing else about the case is revealed.
    """
    case = Case.objects.active().filter(student=student).select_related("counselor").first()
    return case.counselor if case else None


def open_case(
    *,
    student,
    counselor,
    source: CaseSource | str,
    opened_by,
    request: HttpRequest | None = None,
    categories: Iterable = (),
    risk_level: RiskLevel | str = RiskLevel.NONE,
) -> Case:
    """Open a case for ``student`` held by ``counselor``; return it.

    A student has at most one case that is not closed: when one exists it is returned unchanged
    and nothing is written (callers that must tell the user use ``colleague_holding`` first).

    Side effects, in one transaction: the case row and its categories; an audit entry (create);
    when ``risk_level`` is high or imminent, an escalation (see ``escalate``).
    """
    existing = Case.objects.active().filter(student=student).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            case = Case.objects.create(
                student=student,
                counselor=counselor,
                source=source,
                risk_level=risk_level,
                opened_by=opened_by,
                opened_at=timezone.now(),
            )
            case.categories.set(categories)
            log(opened_by, AuditAction.CREATE, case, request=request, detail=f"source={source}")
            if risk_level in RiskLevel.escalating():
                escalate(
                    student=student,
                    raised_by=opened_by,
                    source=source,
                    risk_level=risk_level,
                    case=case,
                    request=request,
                )
    except IntegrityError:
        # Another request opened one at the same moment: the database kept only one.
        existing = Case.objects.active().filter(student=student).first()
        if existing is None:
            raise
        return existing
    return case


def risk_rose_to_crisis(before: str, after: str) -> bool:
    """True when the risk went up and landed on high or imminent."""
    return after in RiskLevel.escalating() and RiskLevel.rank(after) > RiskLevel.rank(before)
