"""Risk signals: one path from every road where a student may not be safe to a person who acts.

Other apps raise signals only through ``counseling.cases.contract.raise_signal``. What reaches
people carries no student words, scores or note content: the notice says that an urgent signal
waits, the triage page (after sign-in) says who and why, in a neutral reason from a list.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from counseling.cases.enums import CaseSource, RiskLevel, Severity, SignalReason, SignalSource, SignalStatus
from counseling.cases.models import Case, RiskSignal
from counseling.enums import ClientKind
from counseling.models import User
from counseling.models.audit import AuditAction
from counseling.roles import head_counselor, responsible_counselor, users_with_perm
from counseling.services import notify
from counseling.services.messages import Msg

from .cases import open_case
from .crisis import escalate
from .trail import log

logger = logging.getLogger(__name__)

# Rounds sent in all (the first and the re-sends) before the scan stops, and the rounds at each
# level before a signal climbs to the next (counselor and head counselor -> the leaders too).
MAX_ROUNDS = 9
ROUNDS_PER_LEVEL = 2
TOP_LEVEL = 1

# The case a crisis signal opens, and the escalation's source, by the signal's source.
CASE_SOURCE = {
    SignalSource.SCREENING_ITEM: CaseSource.SCREENING_WARNING,
    SignalSource.SCREENING_TOTAL: CaseSource.SCREENING_WARNING,
    SignalSource.REFERRAL: CaseSource.TEACHER_REFERRAL,
    SignalSource.MAILBOX: CaseSource.MAILBOX,
    SignalSource.BOOKING_TOPIC: CaseSource.SELF_BOOKED,
}


class SignalError(Exception):
    """A triage action that cannot be done; the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def resend_minutes() -> int:
    """Minutes a signal may wait for an acknowledgement before it is sent again."""
    return int(getattr(settings, "SIGNAL_RESEND_MINUTES", settings.CRISIS_ACK_MINUTES))


def notifies(severity: str) -> bool:
    """Urgent and crisis signals reach people at once; watch signals wait in the triage list and digest."""
    return severity in (Severity.URGENT, Severity.CRISIS)


def recipients(signal: RiskSignal) -> list[User]:
    """The responsible counselor and the head counselor(s); from the second level, the leaders too,
    for a student's signal only (a teacher's or a guardian's stays in the counseling office)."""
    people = list(users_with_perm("cases.view_all_cases").order_by("pk"))
    if signal.counselor is not None and signal.counselor.is_active and signal.counselor not in people:
        people.insert(0, signal.counselor)
    if signal.level >= 1 and signal.client_kind == ClientKind.STUDENT:
        people += [p for p in users_with_perm("cases.receive_escalations").order_by("pk") if p not in people]
    return people


def _link_for(signal: RiskSignal, person: User) -> str:
    """The signal's page for the people who triage; for the leaders told when it climbs, the crisis
    page when there is one (they may read it), else their home page."""
    if person.has_perm("cases.triage_signals"):
        return reverse("cases:signal_detail", args=[signal.pk])
    if signal.escalation_id is not None and person.has_perm("cases.view_escalations"):
        return reverse("cases:crisis_detail", args=[signal.escalation_id])
    return reverse("home")


def _send_round(signal: RiskSignal, round_number: int) -> None:
    """Queue one round of quiet notices: what kind of thing waits, and where (never who or why).

    The person who raised the signal is not told of their own signal in the first round.
    """
    if signal.severity == Severity.CRISIS:
        title = Msg(gettext_noop("A crisis risk signal waits for your acknowledgement"))
    else:
        title = Msg(gettext_noop("An urgent risk signal waits for your acknowledgement"))
    if round_number > 1:
        title = Msg(gettext_noop("Reminder: %(title)s"), title=title)
    body = Msg(gettext_noop("Sign in to the counseling office site to see it and acknowledge it."))
    # The leaders told when a signal climbs cannot open it: they are asked to act, not to read.
    escalated_body = Msg(
        gettext_noop("The counseling office has not acknowledged it yet. Please contact the head counselor now.")
    )
    for person in recipients(signal):
        if round_number == 1 and person.pk == signal.raised_by_id:
            continue
        notify.notify(
            person,
            key=f"cases:signal:{signal.pk}:round:{round_number}:to:{person.pk}",
            kind=notify.Kind.URGENT,
            title=title,
            body=body if person.has_perm("cases.triage_signals") else escalated_body,
            url=_link_for(signal, person),
        )


def _agree_with_case(signal: RiskSignal, case: Case, *, by, request: HttpRequest | None) -> None:
    """Link the signal to the case and raise the case's risk to at least what the signal says."""
    if signal.case_id != case.pk:
        signal.case = case
        signal.save(update_fields=["case"])
    floor = Severity.risk_level(signal.severity)
    if RiskLevel.rank(floor) > RiskLevel.rank(case.risk_level):
        case.risk_level = floor
        case.save(update_fields=["risk_level", "updated_at"])
        log(by, AuditAction.CHANGE, case, request=request, detail=f"fields: risk_level (signal {signal.pk})")


def raise_signal(
    *,
    source: str,
    severity: str,
    reason: str,
    key: str,
    student: User | None = None,
    school_class=None,
    url: str = "",
    raised_by: User | None = None,
    request: HttpRequest | None = None,
    risk_level: str = RiskLevel.HIGH,
    case_source: str | None = None,
    client_kind: str = ClientKind.STUDENT,
) -> RiskSignal:
    """Raise one risk signal; raising the same ``key`` again returns the first one and does nothing.

    ``client_kind`` teacher or guardian: the signal comes from an adult's own booking or letter. It
    names nobody (``student`` must be None), goes to the head counselor, and never climbs to the
    leaders (``recipients``).

    ``risk_level`` and ``case_source`` are those of the escalation a crisis signal starts (and of
    the case it opens): by default high, and the case source that matches the signal's source.

    Side effects, in one transaction: the signal row, routed to the student's responsible
    counselor; linked to the student's open case, whose risk level is raised to the signal's
    floor (audit: change); a crisis signal opens a case when there is none and starts the crisis
    path (``escalate``: head counselor and leaders told, re-sent until acknowledged), linked to
    the signal; an audit entry (create); for urgent and crisis signals, the first round of quiet
    notices to the counselor and the head counselor (the outbox delivers them right after commit).
    """
    now = timezone.now()
    existing = RiskSignal.objects.filter(source_key=key).first()
    if existing is not None:
        return existing
    counselor = responsible_counselor(student) if student is not None else head_counselor()
    try:
        with transaction.atomic():
            signal = RiskSignal.objects.create(
                source=source,
                severity=severity,
                reason=reason,
                student=student,
                client_kind=client_kind,
                school_class=school_class,
                source_url=url[:200],
                source_key=key,
                counselor=counselor,
                raised_at=now,
                raised_by=raised_by if getattr(raised_by, "pk", None) else None,
                rounds_sent=1 if notifies(severity) else 0,
                last_sent_at=now if notifies(severity) else None,
            )
            log(raised_by, AuditAction.CREATE, signal, request=request, detail=f"{source} {severity} {reason}")
            if student is not None:
                case = Case.objects.active().filter(student=student).first()
                case_source = case_source or CASE_SOURCE.get(source, CaseSource.CRISIS)
                if case is None and severity == Severity.CRISIS and counselor is not None:
                    case = open_case(
                        student=student,
                        counselor=counselor,
                        source=case_source,
                        opened_by=raised_by,
                        request=request,
                    )
                if case is not None:
                    _agree_with_case(signal, case, by=raised_by, request=request)
                if severity == Severity.CRISIS:
                    signal.escalation = escalate(
                        student=student,
                        raised_by=raised_by,
                        source=case_source,
                        risk_level=risk_level,
                        case=case,
                        request=request,
                    )
                    signal.save(update_fields=["escalation"])
            if notifies(severity):
                _send_round(signal, 1)
    except IntegrityError:
        # The same signal raised at the same moment by another request: the database kept one.
        return RiskSignal.objects.get(source_key=key)
    logger.info("risk signal %s raised (%s, %s)", signal.pk, source, severity)
    return signal


def _settle(signal: RiskSignal, status: str, *, by, **fields) -> bool:
    """Move an open signal to ``status`` (a conditional update: the first of two people wins)."""
    now = timezone.now()
    done = RiskSignal.objects.filter(pk=signal.pk, status=SignalStatus.OPEN).update(
        status=status, handled_at=now, handled_by=by, **fields
    )
    if done:
        signal.status, signal.handled_at, signal.handled_by = status, now, by
        for name, value in fields.items():
            setattr(signal, name, value)
        notify.cancel(f"cases:signal:{signal.pk}:")
    return bool(done)


def acknowledge(signal: RiskSignal, *, by, request: HttpRequest | None = None) -> bool:
    """Acknowledge a signal; False when it was already handled.

    Side effects, in one transaction: the signal's status; unsent re-sends withdrawn from the
    outbox; an audit entry (acknowledge); the student's open case linked and its risk raised to
    the signal's floor (audit: change).
    """
    with transaction.atomic():
        if not _settle(signal, SignalStatus.ACKNOWLEDGED, by=by):
            return False
        log(by, AuditAction.ACKNOWLEDGE, signal, request=request)
        if signal.student_id is not None:
            case = Case.objects.active().filter(student_id=signal.student_id).first()
            if case is not None:
                _agree_with_case(signal, case, by=by, request=request)
    return True


def dismiss(signal: RiskSignal, *, by, reason: str, request: HttpRequest | None = None) -> bool:
    """Dismiss a signal with a reason (kept encrypted; the audit entry says only that it was dismissed).

    Side effects, in one transaction: the signal's status and reason; unsent re-sends withdrawn;
    an audit entry (change, "dismissed").
    """
    if not reason.strip():
        raise SignalError(_("Say why the signal is dismissed."))
    with transaction.atomic():
        if not _settle(signal, SignalStatus.DISMISSED, by=by, dismiss_reason=reason.strip()):
            return False
        log(by, AuditAction.CHANGE, signal, request=request, detail="dismissed")
    return True


def open_case_for(signal: RiskSignal, *, by, request: HttpRequest | None = None) -> Case:
    """Open a case for the signal's student (or take the open one) and link the signal to it.

    Side effects, in one transaction: the case (see ``open_case``) held by ``by``; the link and the
    case's risk floor (audit: change); the signal acknowledged if it was open.
    """
    if signal.student_id is None:
        raise SignalError(_("An anonymous signal has no student to open a case for."))
    with transaction.atomic():
        case = open_case(
            student=signal.student,
            counselor=by,
            source=CASE_SOURCE.get(signal.source, CaseSource.CRISIS),
            opened_by=by,
            request=request,
        )
        _agree_with_case(signal, case, by=by, request=request)
        if signal.is_open:
            acknowledge(signal, by=by, request=request)
    return case


def raise_crisis(signal: RiskSignal, *, by, request: HttpRequest | None = None):
    """Start the crisis path from a signal: the student's case (opened if none) and an escalation.

    Side effects, in one transaction: see ``open_case_for``; the signal becomes a crisis; an
    escalation linked to the case and the signal (head counselor and leaders told at once).
    """
    if signal.student_id is None:
        raise SignalError(_("An anonymous signal has no student to escalate."))
    if signal.escalation_id is not None:
        raise SignalError(_("This signal has already started the crisis path."))
    with transaction.atomic():
        if signal.severity != Severity.CRISIS:
            signal.severity = Severity.CRISIS
            signal.save(update_fields=["severity"])
        case = open_case_for(signal, by=by, request=request)
        signal.escalation = escalate(
            student=signal.student,
            raised_by=by,
            source=CASE_SOURCE.get(signal.source, CaseSource.CRISIS),
            risk_level=RiskLevel.HIGH,
            case=case,
            request=request,
        )
        signal.save(update_fields=["escalation"])
    return signal.escalation


def resend_unacknowledged(now: datetime.datetime | None = None) -> int:
    """Send again every urgent or crisis signal nobody acknowledged in time; return how many.

    After ``ROUNDS_PER_LEVEL`` rounds at a level a signal climbs one (the leaders are told too).
    Each round is claimed with a conditional update, so two workers never send the same round.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=resend_minutes())
    due = list(
        RiskSignal.objects.open()
        .filter(severity__in=[Severity.URGENT, Severity.CRISIS], last_sent_at__lte=cutoff, rounds_sent__lt=MAX_ROUNDS)
        .values_list("pk", "rounds_sent", "level")
    )
    sent = 0
    for pk, rounds, level in due:
        new_level = min(TOP_LEVEL, rounds // ROUNDS_PER_LEVEL)
        try:
            with transaction.atomic():
                claimed = RiskSignal.objects.filter(pk=pk, rounds_sent=rounds, status=SignalStatus.OPEN).update(
                    rounds_sent=rounds + 1, last_sent_at=now, level=max(level, new_level)
                )
                if not claimed:
                    continue
                signal = RiskSignal.objects.select_related("counselor").get(pk=pk)
                _send_round(signal, rounds + 1)
        except (ValueError, OverflowError) as error:
            # One bad row must not stop the other signals' reminders; the log names the row only.
            logger.error("risk signal %s skipped by the re-send job: %s", pk, type(error).__name__)
            continue
        logger.info("risk signal %s sent again (round %s, level %s)", pk, rounds + 1, signal.level)
        sent += 1
    return sent


def open_signal_floor(case: Case) -> str:
    """The least risk level ``case`` may show: the floor of its student's open signals."""
    severities = set(RiskSignal.objects.open().filter(student_id=case.student_id).values_list("severity", flat=True))
    floors = [Severity.risk_level(severity) for severity in severities] or [RiskLevel.NONE]
    return max(floors, key=RiskLevel.rank)


__all__ = [
    "SignalError",
    "SignalReason",
    "acknowledge",
    "dismiss",
    "open_case_for",
    "raise_crisis",
    "raise_signal",
    "resend_unacknowledged",
]
