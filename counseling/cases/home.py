"""Home-page panels of the case records (see counseling.hooks): a handful of small queries."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from counseling.cases.enums import ComplaintStatus, ConcernStatus, FollowUpStatus, Severity
from counseling.cases.models import Case, Complaint, Concern, Escalation, FollowUp, RiskSignal, SessionNote
from counseling.hooks import Panel

# A note still unsigned this long after it was written is listed on the author's home page.
UNSIGNED_AFTER = datetime.timedelta(hours=48)
PANEL_ROWS = 10
OPEN_COMPLAINT = (ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS)


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    result: list[Panel] = []
    if user.has_perm("cases.receive_escalations"):
        open_escalations = list(
            Escalation.objects.visible_to(user)
            .unacknowledged()
            .select_related("student__student_profile__school_class__grade")
            .defer("narrative")
            .order_by("raised_at")[:PANEL_ROWS]
        )
        if open_escalations:
            result.append(Panel("cases/panels/escalations.html", {"escalations": open_escalations}, order=1))
    if user.has_perm("cases.triage_signals"):
        counts = (
            RiskSignal.objects.visible_to(user)
            .open()
            .aggregate(
                crisis=Count("pk", filter=Q(severity=Severity.CRISIS)),
                urgent=Count("pk", filter=Q(severity=Severity.URGENT)),
            )
        )
        if counts["crisis"] or counts["urgent"]:
            result.append(Panel("cases/panels/signals.html", counts, order=2))
    if user.has_perm("cases.view_cases"):
        now = timezone.now()
        mine = Case.objects.visible_to(user).filter(counselor=user)
        unsigned = list(
            SessionNote.objects.filter(
                case__in=mine, author=user, signed_at__isnull=True, created_at__lt=now - UNSIGNED_AFTER
            )
            .select_related("case__student")
            .defer("content", "analysis", "next_steps")
            .order_by("created_at")[:PANEL_ROWS]
        )
        due = list(
            FollowUp.objects.filter(case__in=mine, status=FollowUpStatus.DUE, due_on__lte=timezone.localdate())
            .select_related("case__student")
            .defer("purpose")
            .order_by("due_on")[:PANEL_ROWS]
        )
        waiting = Concern.objects.visible_to_office(user).filter(status=ConcernStatus.RECEIVED).count()
        complaints = (
            Complaint.objects.visible_to(user).filter(status__in=OPEN_COMPLAINT).count()
            if user.has_perm("cases.handle_complaints")
            else 0
        )
        if unsigned or due or waiting or complaints:
            context = {
                "unsigned": unsigned,
                "due": due,
                "waiting_concerns": waiting,
                "open_complaints": complaints,
                "today": timezone.localdate(),
            }
            result.append(Panel("cases/panels/counselor.html", context, order=20))
    if user.has_perm("cases.refer_student"):
        result.append(Panel("cases/panels/refer.html", {}, order=60))
    return result
