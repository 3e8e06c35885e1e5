"""Referrals of a student to an outside institution."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from counseling.cases.enums import CaseStatus, ReferralStatus
from counseling.cases.models import Case, Referral
from counseling.models.audit import AuditAction
from counseling.services import notify
from counseling.services.messages import Msg

from .plan import REMINDER_TIME
from .trail import log

# Referrals whose outcome no longer needs checking.
SETTLED = (ReferralStatus.CLOSED, ReferralStatus.DECLINED)


def schedule_outcome_check(referral: Referral) -> None:
    """(Re)queue the reminder to check the referral's outcome on ``follow_up_on`` (names and dates only)."""
    notify.cancel(f"cases:referral:{referral.pk}:")
    if referral.follow_up_on is None or referral.status in SETTLED:
        return
    case = referral.case
    due = timezone.make_aware(datetime.datetime.combine(referral.follow_up_on, REMINDER_TIME))
    notify.schedule(
        case.counselor,
        key=f"cases:referral:{referral.pk}:check:{referral.follow_up_on.isoformat()}:to:{case.counselor_id}",
        kind=notify.Kind.TASK,
        title=Msg(
            gettext_noop("Check the referral outcome for %(student)s (%(day)s)"),
            student=case.student.get_full_name(),
            day=referral.follow_up_on,
        ),
        url=reverse("cases:referral_detail", args=[referral.pk]),
        send_after=max(due, timezone.now()),
    )


def create_referral(case: Case, *, by, values: dict, request: HttpRequest | None = None) -> Referral:
    """Refer the student out.

    Side effects, in one transaction: the referral row; an audit entry (create); a reminder to
    check the outcome on ``follow_up_on``; an open case whose referral is made moves to status
    "referred" (audit: change).
    """
    with transaction.atomic():
        referral = Referral.objects.create(case=case, created_by=by, **values)
        log(by, AuditAction.CREATE, referral, request=request)
        schedule_outcome_check(referral)
        if referral.status != ReferralStatus.PLANNED and case.status == CaseStatus.OPEN:
            case.status = CaseStatus.REFERRED
            case.save(update_fields=["status", "updated_at"])
            log(by, AuditAction.CHANGE, case, request=request, detail="fields: status")
    return referral


def update_referral(referral: Referral, *, by, values: dict, request: HttpRequest | None = None) -> list[str]:
    """Change a referral (status, outcome follow-up ...).

    Side effects, in one transaction: the referral row; an audit entry (change) naming the fields;
    the outcome-check reminder follows a new date or status.
    """
    changed = [name for name, value in values.items() if getattr(referral, name) != value]
    if changed:
        with transaction.atomic():
            for name in changed:
                setattr(referral, name, values[name])
            referral.save(update_fields=[*changed, "updated_at"])
            log(by, AuditAction.CHANGE, referral, request=request, detail="fields: " + ", ".join(changed))
            if {"follow_up_on", "status"} & set(changed):
                schedule_outcome_check(referral)
    return changed
