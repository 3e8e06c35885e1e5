"""Audit entries for case records: one small wrapper that knows which student each object is about."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.http import HttpRequest

from counseling.cases.models import Intake, NoteAddendum
from counseling.models import AuditEntry
from counseling.models.audit import AuditAction
from counseling.services import audit


def student_of(obj: models.Model) -> int | None:
    """The id of the student a case-record object is about."""
    for path in ("student_id", "case.student_id", "note.case.student_id"):
        target = obj
        for part in path.split("."):
            target = getattr(target, part, None)
            if target is None:
                break
        if target is not None:
            return target
    return None


def log(actor, action: AuditAction, obj: models.Model, *, request: HttpRequest | None = None, detail: str = ""):
    """Append an audit entry about ``obj`` in the caller's transaction (never with content in ``detail``)."""
    return audit.record(actor, action, obj, request=request, student_id=student_of(obj), detail=detail)


def case_history(case) -> models.QuerySet[AuditEntry]:
    """Every audit entry about the case and the records that hang off it, oldest first."""
    related = {
        "cases.case": [case.pk],
        "cases.intake": list(Intake.objects.filter(case=case).values_list("pk", flat=True)),
        "cases.sessionnote": list(case.notes.values_list("pk", flat=True)),
        "cases.noteaddendum": list(NoteAddendum.objects.filter(note__case=case).values_list("pk", flat=True)),
        "cases.referral": list(case.referrals.values_list("pk", flat=True)),
        "cases.escalation": list(case.escalations.values_list("pk", flat=True)),
        "cases.goal": list(case.goals.values_list("pk", flat=True)),
        "cases.followup": list(case.follow_ups.values_list("pk", flat=True)),
    }
    condition = Q()
    for object_type, ids in related.items():
        if ids:
            condition |= Q(object_type=object_type, object_id__in=[str(pk) for pk in ids])
    return AuditEntry.objects.filter(condition).select_related("actor").order_by("id")
