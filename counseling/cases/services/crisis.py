"""The crisis path: escalate to the head counselor and leaders at once, re-send until acknowledged."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from counseling.cases.enums import CaseSource, RiskLevel
from counseling.cases.models import Case, Escalation
from counseling.enums import ClientKind
from counseling.models import User
from counseling.models.audit import AuditAction
from counseling.roles import users_with_perm
from counseling.services import notify
from counseling.services.messages import Msg

from .trail import log

logger = logging.getLogger(__name__)

# How many times an escalation is sent in all (the first time plus re-sends) before the scan
# stops; by then it has been in everyone's inbox for two hours.
MAX_ROUNDS = 9


def ack_minutes() -> int:
    """Minutes an escalation may wait for an acknowledgement before it is sent again."""
    return int(getattr(settings, "CRISIS_ACK_MINUTES", 15))


def recipients(escalation: Escalation) -> list[User]:
    """The head counselor(s) and the leaders, and the case's counselor when someone else raised it.

    A teacher's crisis goes to the head counselor(s) only (and the case's counselor): a teacher's
    record is as confidential as a student's, and the leaders are the teacher's superiors.
    """
    perm = "cases.receive_escalations" if escalation.client_kind == ClientKind.STUDENT else "cases.view_all_cases"
    people = list(users_with_perm(perm).order_by("pk"))
    case = escalation.case
    if case is not None and case.counselor_id != escalation.raised_by_id and case.counselor not in people:
        people.append(case.counselor)
    return people


def _send_round(escalation: Escalation, round_number: int) -> None:
    """Queue one round of notices (in the app and by e-mail), names and times only."""
    when = escalation.raised_at
    student = escalation.student.get_full_name()
    if round_number == 1:
        title = Msg(gettext_noop("Crisis escalation for %(student)s, %(time)s"), student=student, time=when)
    else:
        title = Msg(
            gettext_noop("Reminder: crisis escalation for %(student)s, %(time)s, is not acknowledged"),
            student=student,
            time=when,
        )
    body = Msg(gettext_noop("Open the counseling office site to see the facts and acknowledge the escalation."))
    url = reverse("cases:crisis_detail", args=[escalation.pk])
    for person in recipients(escalation):
        notify.notify(
            person,
            key=f"cases:escalation:{escalation.pk}:round:{round_number}:to:{person.pk}",
            kind=notify.Kind.URGENT,
            title=title,
            body=body,
            url=url,
        )


def escalate(
    *,
    student,
    raised_by,
    source: CaseSource | str,
    risk_level: RiskLevel | str,
    case: Case | None = None,
    request: HttpRequest | None = None,
    is_crisis_event: bool = False,
    occurred_at: datetime.datetime | None = None,
    narrative: str = "",
    actions: dict | None = None,
) -> Escalation:
    """Raise a crisis escalation about ``student`` and tell the head counselor and leaders now.

    ``raised_by`` may be None (the system, e.g. a screening). Without ``case``, the student's
    open case (if any) is linked so its counselor sees the escalation too.

    Side effects, in one transaction: the escalation row; an audit entry (escalate); one
    outbox message per recipient (delivered in the app and by e-mail right after commit). A
    periodic scan (``resend_unacknowledged``) sends it again while nobody acknowledges it.
    """
    now = timezone.now()
    with transaction.atomic():
        if case is None:
            case = Case.objects.active().filter(student=student).first()
        escalation = Escalation.objects.create(
            student=student,
            case=case,
            source=source,
            risk_level=risk_level,
            is_crisis_event=is_crisis_event,
            occurred_at=occurred_at or now,
            raised_at=now,
            raised_by=raised_by if getattr(raised_by, "pk", None) else None,
            narrative=narrative,
            rounds_sent=1,
            last_sent_at=now,
            **(actions or {}),
        )
        log(raised_by, AuditAction.ESCALATE, escalation, request=request, detail=f"risk={risk_level}")
        _send_round(escalation, 1)
    logger.info("escalation %s raised (risk %s)", escalation.pk, risk_level)
    return escalation


def record_crisis_event(
    case: Case,
    *,
    by,
    risk_level: str,
    occurred_at: datetime.datetime,
    narrative: str,
    actions: dict,
    request: HttpRequest | None = None,
) -> Escalation:
    """Record a crisis event on a case and escalate it.

    Side effects, in one transaction: the case's risk is raised to ``risk_level`` when that is
    higher (audit: change); the escalation with its narrative and actions (see ``escalate``).
    """
    with transaction.atomic():
        if RiskLevel.rank(risk_level) > RiskLevel.rank(case.risk_level):
            case.risk_level = risk_level
            case.save(update_fields=["risk_level", "updated_at"])
            log(by, AuditAction.CHANGE, case, request=request, detail="fields: risk_level")
        return escalate(
            student=case.student,
            raised_by=by,
            source=CaseSource.CRISIS,
            risk_level=risk_level,
            case=case,
            request=request,
            is_crisis_event=True,
            occurred_at=occurred_at,
            narrative=narrative,
            actions=actions,
        )


ACTION_FIELDS = (
    "guardian_called",
    "guardian_called_at",
    "guardian_contact_by",
    "guardian_contact_outcome",
    "guardian_not_contacted_reason",
    "escorted",
    "escort_by",
    "hospital",
    "hospital_name",
)


def update_actions(escalation: Escalation, *, by, values: dict, request: HttpRequest | None = None) -> list[str]:
    """Record the actions taken (guardian called, escort, hospital) and the narrative.

    Side effects, in one transaction: the escalation row; an audit entry (change) naming the fields.
    """
    changed = [name for name, value in values.items() if getattr(escalation, name) != value]
    if not changed:
        return []
    with transaction.atomic():
        for name in changed:
            setattr(escalation, name, values[name])
        escalation.save(update_fields=changed)
        log(by, AuditAction.CHANGE, escalation, request=request, detail="fields: " + ", ".join(changed))
    return changed


def acknowledge(escalation: Escalation, *, by, request: HttpRequest | None = None) -> bool:
    """Acknowledge an escalation; False when someone already did.

    Side effects, in one transaction: the acknowledgement (a conditional update, so two people
    acknowledging at once record only the first); an audit entry (acknowledge); unsent
    re-sends are withdrawn from the outbox.
    """
    with transaction.atomic():
        now = timezone.now()
        done = Escalation.objects.filter(pk=escalation.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=by
        )
        if not done:
            escalation.refresh_from_db(fields=["acknowledged_at", "acknowledged_by"])
            return False
        escalation.acknowledged_at, escalation.acknowledged_by = now, by
        log(by, AuditAction.ACKNOWLEDGE, escalation, request=request)
        notify.cancel(f"cases:escalation:{escalation.pk}:")
    return True


def resend_unacknowledged(now: datetime.datetime | None = None) -> int:
    """Send again every escalation nobody acknowledged within ``CRISIS_ACK_MINUTES``; return how many.

    Each round is claimed with a conditional update, so two workers (or a retried task) never
    send the same round twice; the outbox keys make each round's messages unique as well.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=ack_minutes())
    due = list(
        Escalation.objects.unacknowledged()
        .filter(last_sent_at__lte=cutoff, rounds_sent__lt=MAX_ROUNDS)
        .values_list("pk", "rounds_sent")
    )
    sent = 0
    for pk, rounds in due:
        try:
            with transaction.atomic():
                claimed = Escalation.objects.filter(pk=pk, rounds_sent=rounds, acknowledged_at__isnull=True).update(
                    rounds_sent=rounds + 1, last_sent_at=now
                )
                if not claimed:
                    continue
                escalation = Escalation.objects.select_related("student", "case__counselor").get(pk=pk)
                _send_round(escalation, rounds + 1)
        except (ValueError, OverflowError) as error:
            # A row the job cannot handle (a date out of range) must not stop the other escalations'
            # reminders. The log names the row and the kind of error only: no content, no student.
            logger.error("escalation %s skipped by the re-send job: %s", pk, type(error).__name__)
            continue
        logger.info("escalation %s sent again (round %s)", pk, rounds + 1)
        sent += 1
    return sent
