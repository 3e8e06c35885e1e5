"""Opening and changing cases."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from counseling.cases.enums import CaseSource, CaseStatus, RiskLevel
from counseling.cases.models import Case
from counseling.models.audit import AuditAction

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
                from .crisis import escalate

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


def update_case(
    case: Case,
    *,
    by,
    categories: Iterable | None = None,
    risk_level: str | None = None,
    status: str | None = None,
    request: HttpRequest | None = None,
) -> list[str]:
    """Change a case's categories, risk level or status; return the names of the changed fields.

    Side effects, in one transaction: the case row; an audit entry (change) naming the fields;
    when the risk rises to high or imminent, an escalation to the head counselor and leaders.
    Closing sets ``closed_at``; it fails with GuardianContactMissingError while a crisis escalation
    of the case has neither the guardian contact (time, by whom, outcome) nor the reason why not.
    Reopening clears it (and fails with CaseAlreadyOpenError when the student has another open case).
    """
    changed: list[str] = []
    previous_risk = case.risk_level
    with transaction.atomic():
        if categories is not None:
            new_ids = {c.pk for c in categories}
            if new_ids != set(case.categories.values_list("pk", flat=True)):
                case.categories.set(categories)
                changed.append("categories")
        if risk_level is not None and risk_level != case.risk_level:
            case.risk_level = risk_level
            changed.append("risk_level")
        if status is not None and status != case.status:
            if status == CaseStatus.CLOSED:
                missing = escalations_without_guardian_contact(case)
                if missing:
                    raise GuardianContactMissingError(missing)
                case.closed_at = timezone.now()
            elif case.status == CaseStatus.CLOSED:
                other = Case.objects.active().filter(student_id=case.student_id).exclude(pk=case.pk).first()
                if other is not None:
                    raise CaseAlreadyOpenError(other)
                case.closed_at = None
            case.status = status
            changed.extend(["status", "closed_at"])
        if not changed:
            return []
        case.save(update_fields=[f for f in changed if f != "categories"] + ["updated_at"])
        log(by, AuditAction.CHANGE, case, request=request, detail="fields: " + ", ".join(changed))
        if risk_rose_to_crisis(previous_risk, case.risk_level):
            from .crisis import escalate

            escalate(
                student=case.student,
                raised_by=by,
                source=case.source,
                risk_level=case.risk_level,
                case=case,
                request=request,
            )
    return changed


def risk_rose_to_crisis(before: str, after: str) -> bool:
    """True when the risk went up and landed on high or imminent."""
    return after in RiskLevel.escalating() and RiskLevel.rank(after) > RiskLevel.rank(before)
