"""Risk signals from the archives' roads (预警): screening answers, zero reports and class logs.

Each road reaches the office through ``counseling.cases.contract.raise_signal``, which routes the
signal to the responsible counselor and the head counselor and, for a crisis, starts the crisis
path. A signal carries a source, a severity, a neutral reason and a link: never an answer, a
score, a band or a teacher's words. Each key is built from the primary key of what raised it, so
raising twice (a draft saved again, a refused submit then the real one, a corrected report) does
nothing more.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import salted_hmac

from archives.models import (
    ClassLogEntry,
    Invitation,
    Result,
    ScreeningInstrument,
    ScreeningWarning,
    Submission,
    ZeroReport,
)
from counseling.cases import contract as cases

from . import scoring


def critical_answered(parts: list[ScreeningInstrument], answers: dict[str, dict]) -> bool:
    """True when ``answers`` ({code: {item id: clean value}}, complete or not) give a critical item a
    critical value (e.g. PHQ-9 item 9 above 0)."""
    return any(
        scoring.critical_items(part.instrument.definition, answers.get(part.instrument.code) or {}) for part in parts
    )


def anonymous_key(invitation: Invitation) -> str:
    """The key of the signal an anonymous screening's answers raise.

    The invitation names the student, so its id must not appear in the signal; a keyed hash of it
    keeps the key the same for the draft, a refused submit and the submission (the office is told
    once per student's answers) without leading back to the student.
    """
    digest = salted_hmac("archives.anonymous-screening-signal", str(invitation.pk)).hexdigest()[:32]
    return f"archives:screening:{invitation.screening_id}:anonymous:{digest}"


def signal_critical_answer(
    invitation: Invitation,
    *,
    warning: ScreeningWarning | None = None,
    raised_by=None,
    request: HttpRequest | None = None,
):
    """A critical item was answered: in a submission, a saved draft, or a submission refused for
    missing items. Returns the signal (the first one, when the key was raised before).

    Named screening: a crisis signal about the student (``raise_signal`` opens a case if there is
    none and starts the crisis path: head counselor and leaders told), linked to the warning page,
    or to the student's archive while there is no submission. Anonymous screening: an urgent signal
    without a student, with the class the answers are recorded under, linked to the screening.
    ``raised_by`` is the counselor who entered a paper sheet, None when the student answered.
    """
    screening = invitation.screening
    if screening.is_anonymous:
        # No request: its address would be a trace of who answered.
        return cases.raise_signal(
            source=cases.SignalSource.ANONYMOUS_SCREENING,
            severity=cases.Severity.URGENT,
            reason=cases.SignalReason.CRITICAL_ITEM,
            key=anonymous_key(invitation),
            school_class=invitation.school_class,
            url=reverse("archives:screening_detail", args=[screening.pk]),
            raised_by=raised_by,
        )
    if warning is not None:
        url = reverse("archives:warning_detail", args=[warning.pk])
    else:
        url = reverse("archives:archive_detail", args=[invitation.student_id])
    return cases.raise_signal(
        source=cases.SignalSource.SCREENING_ITEM,
        severity=cases.Severity.CRISIS,
        reason=cases.SignalReason.CRITICAL_ITEM,
        key=f"archives:invitation:{invitation.pk}:critical_item",
        student=invitation.student,
        url=url,
        raised_by=raised_by,
        request=request,
    )


def signal_submission(
    invitation: Invitation,
    submission: Submission,
    scored: list[tuple[ScreeningInstrument, Result]],
    *,
    warning: ScreeningWarning | None,
    raised_by=None,
    request: HttpRequest | None = None,
):
    """The signal a scored submission raises, if any; returns it (or None).

    A critical item answered: see ``signal_critical_answer``. Otherwise, for a named submission, a
    total in an instrument's most concerning band: an urgent signal about the student (reason: high
    total), linked to the warning page, else to the submission.
    """
    if any(result.is_critical for _part, result in scored):
        return signal_critical_answer(invitation, warning=warning, raised_by=raised_by, request=request)
    if submission.student_id is None:
        return None
    if not any(_in_top_band(part, result) for part, result in scored):
        return None
    if warning is not None:
        url = reverse("archives:warning_detail", args=[warning.pk])
    else:
        url = reverse("archives:submission_detail", args=[submission.pk])
    return cases.raise_signal(
        source=cases.SignalSource.SCREENING_TOTAL,
        severity=cases.Severity.URGENT,
        reason=cases.SignalReason.HIGH_TOTAL,
        key=f"archives:submission:{submission.pk}:high_total",
        student=submission.student,
        url=url,
        raised_by=raised_by,
        request=request,
    )


def _in_top_band(part: ScreeningInstrument, result: Result) -> bool:
    """True when the result's band is the instrument's most concerning one (PHQ-9: severe)."""
    top = scoring.top_band_level(part.instrument.definition)
    return top is not None and result.band_level is not None and result.band_level >= top


def signal_zero_report(report: ZeroReport, *, by, request: HttpRequest | None = None):
    """A zero report with incidents: an urgent signal about the class (no student), linked to the
    window's reports. Returns it, or None for a report with nothing to report. Once per report: a
    correction does not raise it again."""
    if report.nothing_to_report:
        return None
    return cases.raise_signal(
        source=cases.SignalSource.ZERO_REPORT,
        severity=cases.Severity.URGENT,
        reason=cases.SignalReason.INCIDENT,
        key=f"archives:zero_report:{report.pk}:incident",
        school_class=report.school_class,
        url=reverse("archives:zero_window_detail", args=[report.window_id]),
        raised_by=by,
        request=request,
    )


def signal_class_log(log: ClassLogEntry, *, by, request: HttpRequest | None = None):
    """A class-log entry marked as a concern: an urgent signal about the pupil, raised by the
    teacher, linked to the pupil's archive (where the entry is). Returns it, or None."""
    if not log.is_concern:
        return None
    return cases.raise_signal(
        source=cases.SignalSource.CLASS_LOG,
        severity=cases.Severity.URGENT,
        reason=cases.SignalReason.TEACHER_CONCERN,
        key=f"archives:class_log:{log.pk}:concern",
        student=log.student,
        school_class=log.school_class,
        url=reverse("archives:archive_detail", args=[log.student_id]),
        raised_by=by,
        request=request,
    )
