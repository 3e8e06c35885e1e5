"""The intake, the goals of the plan, and follow-ups with their reminders."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from counseling.cases.enums import FollowUpStatus
from counseling.cases.models import Case, FollowUp, Goal, Intake
from counseling.models.audit import AuditAction
from counseling.services import notify
from counseling.services.messages import Msg

from .trail import log

# Follow-up reminders arrive at the start of the school day they are due.
REMINDER_TIME = datetime.time(7, 30)


def save_intake(case: Case, *, by, values: dict, request: HttpRequest | None = None) -> Intake:
    """Create or change the case's intake.

    Side effects, in one transaction: the intake row; an audit entry (create, or change naming
    the fields).
    """
    values = dict(values)
    results = values.pop("screening_results", None)
    with transaction.atomic():
        intake = Intake.objects.filter(case=case).first()
        if intake is None:
            intake = Intake.objects.create(case=case, author=by, **values)
            if results:
                intake.screening_results.set(results)
            log(by, AuditAction.CREATE, intake, request=request)
            return intake
        changed = [name for name, value in values.items() if getattr(intake, name) != value]
        if changed:
            for name in changed:
                setattr(intake, name, values[name])
            intake.save(update_fields=[*changed, "updated_at"])
        if results is not None and {r.pk for r in results} != set(
            intake.screening_results.values_list("pk", flat=True)
        ):
            intake.screening_results.set(results)
            changed.append("screening_results")
        if changed:
            log(by, AuditAction.CHANGE, intake, request=request, detail="fields: " + ", ".join(changed))
    return intake


def save_goal(case: Case, *, by, values: dict, goal: Goal | None = None, request: HttpRequest | None = None) -> Goal:
    """Add a goal to the case's plan, or change one.

    Side effects, in one transaction: the goal row; an audit entry (create or change).
    """
    with transaction.atomic():
        if goal is None:
            goal = Goal.objects.create(case=case, **values)
            log(by, AuditAction.CREATE, goal, request=request)
            return goal
        changed = [name for name, value in values.items() if getattr(goal, name) != value]
        if changed:
            for name in changed:
                setattr(goal, name, values[name])
            goal.save(update_fields=[*changed, "updated_at"])
            log(by, AuditAction.CHANGE, goal, request=request, detail="fields: " + ", ".join(changed))
    return goal


def _reminder_prefix(follow_up: FollowUp) -> str:
    return f"cases:followup:{follow_up.pk}:"


def schedule_reminder(follow_up: FollowUp) -> None:
    """Queue the reminder to the case's counselor on the due day (names and dates only)."""
    case = follow_up.case
    due = timezone.make_aware(datetime.datetime.combine(follow_up.due_on, REMINDER_TIME))
    notify.schedule(
        case.counselor,
        key=f"{_reminder_prefix(follow_up)}to:{case.counselor_id}",
        kind=notify.Kind.TASK,
        title=Msg(
            gettext_noop("Follow-up due %(day)s: %(student)s"),
            day=follow_up.due_on,
            student=case.student.get_full_name(),
        ),
        url=reverse("cases:detail", args=[case.pk]),
        send_after=max(due, timezone.now()),
    )


def add_follow_up(
    case: Case, *, by, due_on: datetime.date, purpose: str = "", request: HttpRequest | None = None
) -> FollowUp:
    """Plan a follow-up on a case.

    Side effects, in one transaction: the follow-up row; an audit entry (create); a reminder in
    the outbox for the counselor on the due day.
    """
    with transaction.atomic():
        follow_up = FollowUp.objects.create(case=case, due_on=due_on, purpose=purpose)
        log(by, AuditAction.CREATE, follow_up, request=request)
        schedule_reminder(follow_up)
    return follow_up


def finish_follow_up(
    follow_up: FollowUp, *, by, status: str = FollowUpStatus.DONE, request: HttpRequest | None = None
) -> bool:
    """Mark a due follow-up done (or cancelled); False when it was no longer due.

    Side effects, in one transaction: the follow-up row; an audit entry (change); its unsent
    reminder is withdrawn.
    """
    with transaction.atomic():
        updated = FollowUp.objects.filter(pk=follow_up.pk, status=FollowUpStatus.DUE).update(
            status=status, done_at=timezone.now()
        )
        if not updated:
            return False
        follow_up.refresh_from_db()
        log(by, AuditAction.CHANGE, follow_up, request=request, detail=f"status={status}")
        notify.cancel(_reminder_prefix(follow_up))
    return True


def move_reminders(case: Case) -> None:
    """After a handover: withdraw the old counselor's unsent follow-up reminders, queue the new one's."""
    for follow_up in case.follow_ups.filter(status=FollowUpStatus.DUE).select_related("case__student"):
        notify.cancel(_reminder_prefix(follow_up))
        follow_up.case = case
        schedule_reminder(follow_up)
