"""Handing cases over (交接) from one counselor to another."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from counseling.cases.models import Case, Handover
from counseling.models.audit import AuditAction
from counseling.services import notify
from counseling.services.messages import Msg

from .plan import move_reminders
from .referrals import schedule_outcome_check
from .trail import log


def hand_over_case(case: Case, *, to, by, note: str = "", request: HttpRequest | None = None) -> Handover:
    """Give a case to another counselor; the previous one loses access at once.

    Side effects, in one transaction: the handover row (with its note, encrypted); the case's
    counselor; an audit entry (handover, with both counselors' ids); the follow-up reminders
    move to the new counselor; both counselors are told (names only).
    """
    if case.counselor_id == to.pk:
        raise ValidationError(_("The case is already held by %(name)s.") % {"name": to.get_full_name()})
    if not to.has_perm("cases.view_cases"):
        raise ValidationError(_("Cases can only be handed to counseling staff."))
    with transaction.atomic():
        previous = case.counselor
        handover = Handover.objects.create(
            case=case, from_counselor=previous, to_counselor=to, handed_over_by=by, note=note
        )
        case.counselor = to
        case.save(update_fields=["counselor", "updated_at"])
        log(by, AuditAction.HANDOVER, case, request=request, detail=f"counselor {previous.pk} -> {to.pk}")
        move_reminders(case)
        for referral in case.referrals.exclude(follow_up_on=None).select_related("case__student"):
            schedule_outcome_check(referral)
        _tell_counselors(handover)
    return handover


def _tell_counselors(handover: Handover) -> None:
    """Tell the new and the previous counselor (names only)."""
    student = handover.case.student.get_full_name()
    notify.notify(
        handover.to_counselor,
        key=f"cases:handover:{handover.pk}:to",
        kind=notify.Kind.TASK,
        title=Msg(gettext_noop("The case of %(student)s was handed over to you"), student=student),
        url=reverse("cases:detail", args=[handover.case_id]),
    )
    notify.notify(
        handover.from_counselor,
        key=f"cases:handover:{handover.pk}:from",
        kind=notify.Kind.TASK,
        title=Msg(
            gettext_noop("The case of %(student)s is now held by %(name)s"),
            student=student,
            name=handover.to_counselor.get_full_name(),
        ),
    )


def hand_over_all(from_counselor, *, to, by, note: str = "", request: HttpRequest | None = None) -> list[Handover]:
    """Give every case of ``from_counselor`` (open and closed) to ``to``, each with the same note.

    Side effects: those of ``hand_over_case`` for each case, all in one transaction.
    """
    if from_counselor.pk == to.pk:
        raise ValidationError(_("Choose two different counselors."))
    with transaction.atomic():
        cases = Case.objects.visible_to(by).filter(counselor=from_counselor).select_related("student", "counselor")
        return [hand_over_case(case, to=to, by=by, note=note, request=request) for case in cases]
