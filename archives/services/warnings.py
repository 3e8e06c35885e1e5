"""Early warning (预警): raising a warning from a scored submission, and handling it."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from archives import access
from archives.models import Result, ScreeningInstrument, ScreeningWarning, Submission, WarningStatus
from counseling.cases import contract as cases
from counseling.models.audit import AuditAction
from counseling.roles import responsible_counselor
from counseling.services.audit import record
from counseling.services.messages import Msg
from counseling.services.notify import Kind, notify

from .scoring import band_level


class WarningError(Exception):
    """The warning cannot be handled this way (e.g. it was handled meanwhile); message for the user."""


def reaches_warning_band(part: ScreeningInstrument, result: Result) -> bool:
    """True when the result's band is the screening's warning band or a more concerning one."""
    threshold = band_level(part.instrument.definition, part.warn_band)
    return threshold is not None and result.band_level is not None and result.band_level >= threshold


def evaluate(submission: Submission, scored: list[tuple[ScreeningInstrument, Result]]) -> ScreeningWarning | None:
    """Raise a warning for a named submission that reached a warning band or answered a critical item.

    Side effects, in the caller's transaction: the warning row, assigned to the responsible
    counselor (grade counselor, else duty counselor, else head); an audit entry; a notification
    to that counselor (outbox, delivered right after commit; names and times only). The crisis
    path of a critical item is not started here: the submission's risk signal starts it (see
    ``services.signals.signal_submission``), linked to this warning.
    """
    student = submission.student
    if student is None:
        return None
    by_band = any(reaches_warning_band(part, result) for part, result in scored)
    critical = any(result.is_critical for _part, result in scored)
    if not (by_band or critical):
        return None
    counselor = responsible_counselor(student)
    warning = ScreeningWarning.objects.create(
        student=student,
        screening_id=submission.screening_id,
        submission=submission,
        counselor=counselor,
        is_critical=critical,
        by_band=by_band,
        created_at=submission.submitted_at,
    )
    record(None, AuditAction.CREATE, warning, student_id=student.pk, detail="critical" if critical else "band")
    if counselor is not None:
        title = Msg(
            gettext_noop("Screening warning for %(student)s, %(time)s"),
            student=student.get_full_name(),
            time=warning.created_at,
        )
        notify(
            counselor,
            key=f"archives:warning:{warning.pk}",
            kind=Kind.TASK,
            title=title,
            url=reverse("archives:warning_detail", args=[warning.pk]),
        )
    return warning


def _claim(warning: ScreeningWarning, allowed: tuple[str, ...], **changes) -> None:
    """Move a warning on from one of ``allowed`` states; a concurrent handler makes this fail cleanly."""
    updated = ScreeningWarning.objects.filter(pk=warning.pk, status__in=allowed).update(**changes)
    if not updated:
        raise WarningError(_("This warning has already been handled."))
    for field, value in changes.items():
        setattr(warning, field, value)


def mark_contacted(warning: ScreeningWarning, *, by, note: str, request: HttpRequest | None = None) -> None:
    """The counselor has talked with the student. Side effects: status, note (encrypted), audit entry."""
    with transaction.atomic():
        _claim(
            warning,
            (WarningStatus.OPEN,),
            status=WarningStatus.CONTACTED,
            handled_at=timezone.now(),
            handled_by=by,
            note=note,
        )
        record(by, AuditAction.CHANGE, warning, request=request, student_id=warning.student_id, detail="contacted")


def dismiss(warning: ScreeningWarning, *, by, reason: str, request: HttpRequest | None = None) -> None:
    """Close a warning without a case; the reason is required. Side effects: status, reason, audit."""
    if not reason.strip():
        raise WarningError(_("Give a reason for dismissing the warning."))
    with transaction.atomic():
        _claim(
            warning,
            (WarningStatus.OPEN, WarningStatus.CONTACTED),
            status=WarningStatus.DISMISSED,
            handled_at=timezone.now(),
            handled_by=by,
            note=reason.strip(),
        )
        record(by, AuditAction.CHANGE, warning, request=request, student_id=warning.student_id, detail="dismissed")


def open_case(warning: ScreeningWarning, *, by, request: HttpRequest | None = None):
    """Open a case for the student (or link the open one) and link it to the warning; returns the case.

    Side effects, in one transaction: ``counseling.cases.contract.open_case`` (case row, its
    audit entry; a student with an open case keeps that one), the warning's status and link,
    an audit entry for the warning.
    """
    with transaction.atomic():
        locked = access.locked(warning)
        if locked.status not in (WarningStatus.OPEN, WarningStatus.CONTACTED):
            raise WarningError(_("This warning has already been handled."))
        case = cases.open_case(
            student=warning.student,
            counselor=warning.counselor or by,
            source=cases.CaseSource.SCREENING_WARNING,
            opened_by=by,
            request=request,
        )
        _claim(
            warning,
            (WarningStatus.OPEN, WarningStatus.CONTACTED),
            status=WarningStatus.CASE_OPENED,
            handled_at=timezone.now(),
            handled_by=by,
            case=case,
        )
        record(by, AuditAction.CHANGE, warning, request=request, student_id=warning.student_id, detail="case opened")
    return case


def reassign(warning: ScreeningWarning, *, counselor, by, request: HttpRequest | None = None) -> None:
    """The head counselor hands an open warning to another counselor, who is notified."""
    with transaction.atomic():
        _claim(warning, (WarningStatus.OPEN, WarningStatus.CONTACTED), counselor=counselor)
        record(by, AuditAction.HANDOVER, warning, request=request, student_id=warning.student_id)
        title = Msg(
            gettext_noop("Screening warning for %(student)s handed to you"), student=warning.student.get_full_name()
        )
        notify(
            counselor,
            key=f"archives:warning:{warning.pk}:to:{counselor.pk}",
            kind=Kind.TASK,
            title=title,
            url=reverse("archives:warning_detail", args=[warning.pk]),
        )
