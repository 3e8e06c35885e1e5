"""Changing a case, and its risk level's two roads to the risk signals.

A counselor raising a case's risk is a signal in its own right (source "case risk"): high is
urgent, imminent is a crisis. A case's risk never drops below what its student's open signals ask
(``open_signal_floor``) unless the counselor says why; the reason is kept encrypted with the case.

This lives apart from ``services/cases.py`` because the signals open cases (``signals`` imports
``cases``): changing a case needs the signals, so it sits above both.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from counseling.cases.enums import CaseStatus, RiskLevel, Severity, SignalReason, SignalSource
from counseling.cases.models import Case, RiskLowering
from counseling.models.audit import AuditAction

from .cases import (
    CaseAlreadyOpenError,
    GuardianContactMissingError,
    escalations_without_guardian_contact,
    risk_rose_to_crisis,
)
from .crisis import escalate
from .signals import open_signal_floor, raise_signal
from .trail import log

# The severity of the signal a counselor's raise of a case's risk becomes.
RAISE_SEVERITY = {RiskLevel.HIGH: Severity.URGENT, RiskLevel.IMMINENT: Severity.CRISIS}


class RiskFloorError(Exception):
    """The risk was set below what the student's open signals ask, without a reason."""

    def __init__(self, floor: str) -> None:
        super().__init__(f"risk below the open signals' floor {floor} without a reason")
        self.floor = floor


def below_floor(case: Case, risk_level: str) -> str | None:
    """The floor of the student's open signals when ``risk_level`` would be below it, else None."""
    floor = open_signal_floor(case)
    return floor if RiskLevel.rank(risk_level) < RiskLevel.rank(floor) else None


def update_case(
    case: Case,
    *,
    by,
    categories: Iterable | None = None,
    risk_level: str | None = None,
    status: str | None = None,
    lower_reason: str = "",
    request: HttpRequest | None = None,
) -> list[str]:
    """Change a case's categories, risk level or status; return the names of the changed fields.

    Lowering the risk below the floor of the student's open risk signals needs ``lower_reason``
    (else RiskFloorError, nothing changed). Closing sets ``closed_at``; it fails with
    GuardianContactMissingError while a crisis escalation of the case has neither the guardian
    contact (time, by whom, outcome) nor the reason why not. Reopening clears it (and fails with
    CaseAlreadyOpenError when the student has another open case).

    Side effects, in one transaction: the case row; an audit entry (change) naming the fields
    (and "lowered below open signals", never the reason); a lowering below the floor keeps its
    reason encrypted (RiskLowering). When the risk rises to high: an escalation to the head
    counselor and leaders, and an urgent "case risk" signal linked to it; to imminent: a crisis
    "case risk" signal, whose crisis path is the escalation (see ``raise_signal``).
    """
    changed: list[str] = []
    previous_risk = case.risk_level
    lowered_below: str | None = None
    with transaction.atomic():
        if categories is not None:
            new_ids = {c.pk for c in categories}
            if new_ids != set(case.categories.values_list("pk", flat=True)):
                case.categories.set(categories)
                changed.append("categories")
        if risk_level is not None and risk_level != case.risk_level:
            if RiskLevel.rank(risk_level) < RiskLevel.rank(previous_risk):
                lowered_below = below_floor(case, risk_level)
                if lowered_below is not None and not lower_reason.strip():
                    raise RiskFloorError(lowered_below)
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
        detail = "fields: " + ", ".join(changed)
        if lowered_below is not None:
            RiskLowering.objects.create(
                case=case,
                from_level=previous_risk,
                to_level=case.risk_level,
                floor=lowered_below,
                reason=lower_reason.strip(),
                by=by,
            )
            detail += "; lowered below open signals"
        entry = log(by, AuditAction.CHANGE, case, request=request, detail=detail)
        if risk_rose_to_crisis(previous_risk, case.risk_level):
            _raise_case_risk(case, by=by, key=f"cases:case:{case.pk}:risk:{entry.pk}", request=request)
    return changed


def _raise_case_risk(case: Case, *, by, key: str, request: HttpRequest | None) -> None:
    """The counselor raised the risk to high or imminent: the crisis path and a "case risk" signal.

    High: the escalation as before, and an urgent signal linked to it (so the crisis page says
    what triggered it). Imminent: a crisis signal, whose own crisis path is the one escalation;
    it is recorded at the case's level and source, as a direct escalation would be.
    """
    severity = RAISE_SEVERITY[case.risk_level]
    escalation = None
    if severity != Severity.CRISIS:
        escalation = escalate(
            student=case.student,
            raised_by=by,
            source=case.source,
            risk_level=case.risk_level,
            case=case,
            request=request,
        )
    signal = raise_signal(
        source=SignalSource.CASE_RISK,
        severity=severity,
        reason=SignalReason.RISK_RAISED,
        key=key,
        student=case.student,
        url=reverse("cases:detail", args=[case.pk]),
        raised_by=by,
        request=request,
        risk_level=case.risk_level,
        case_source=case.source,
    )
    if escalation is not None and signal.escalation_id is None:
        signal.escalation = escalation
        signal.save(update_fields=["escalation"])
