"""Crisis events and escalations: record, read the facts, acknowledge, record the actions taken."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counseling.cases.forms import CrisisActionsForm, CrisisEventForm
from counseling.cases.models import Escalation
from counseling.cases.services import acknowledge, record_crisis_event
from counseling.cases.services.access import get_case_for, get_escalation_for
from counseling.cases.services.crisis import ACTION_FIELDS, update_actions
from counseling.decorators import require_perm

from .common import audit_list, audit_read, form_page


@require_perm("cases.view_cases")
def crisis_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a crisis event on a case: it reaches the head counselor and the leaders at once."""
    case = get_case_for(request.user, pk)
    form = CrisisEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        escalation = record_crisis_event(
            case,
            by=request.user,
            risk_level=data["risk_level"],
            occurred_at=data["occurred_at"],
            narrative=data["narrative"],
            actions={name: data[name] for name in ACTION_FIELDS},
            request=request,
        )
        if case.is_teacher_case:
            # A teacher's crisis stays in the counseling office (services/crisis.py, recipients).
            messages.warning(request, _("The crisis is recorded; the head counselor has been notified."))
        else:
            messages.warning(
                request, _("The crisis is recorded; the head counselor and the school leaders have been notified.")
            )
        return redirect("cases:crisis_detail", pk=escalation.pk)
    return form_page(
        request,
        title=_("Record a crisis event"),
        form=form,
        back_url=reverse("cases:detail", args=[case.pk]),
        case=case,
        confidential=True,
    )


@require_perm("cases.view_escalations")
def crisis_list(request: HttpRequest) -> HttpResponse:
    """Every escalation, newest first, the unacknowledged ones on top: facts only, never notes."""
    escalations = (
        Escalation.objects.visible_to(request.user)
        .select_related("student__student_profile__school_class__grade", "raised_by", "acknowledged_by")
        .defer("narrative")
        .order_by("acknowledged_at", "-raised_at", "-id")
    )
    if request.GET.get("show") == "open":
        escalations = escalations.unacknowledged()
    page = Paginator(escalations, 30).get_page(request.GET.get("page"))
    audit_list(request, Escalation, [escalation.student_id for escalation in page], "crisis list")
    return render(request, "cases/crisis_list.html", {"page": page, "show": request.GET.get("show", "")})


@require_perm("cases.view_crisis")
@transaction.atomic
def crisis_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The facts of one escalation (audited). Counseling staff also read the narrative; leaders never."""
    escalation = get_escalation_for(request.user, pk)
    audit_read(request, escalation)
    user = request.user
    context = {
        "escalation": escalation,
        "show_narrative": user.has_perm("cases.view_cases"),
        "can_acknowledge": user.has_perm("cases.view_escalations") and not escalation.is_acknowledged,
        "can_record_actions": user.has_perm("cases.view_cases"),
        "case_visible": escalation.case_id is not None and user.has_perm("cases.view_cases"),
        # What started it: the risk signals behind it (neutral source and reason, which leaders may
        # read too); none for a crisis event or a risk raised on the case before signals existed.
        "triggers": list(
            escalation.signals.only("pk", "source", "reason", "severity", "raised_at").order_by("raised_at")
        ),
    }
    return render(request, "cases/crisis_detail.html", context)


@require_perm("cases.view_escalations")
@require_POST
def crisis_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = get_escalation_for(request.user, pk)
    if acknowledge(escalation, by=request.user, request=request):
        messages.success(request, _("You acknowledged the escalation."))
    else:
        messages.info(
            request,
            _("%(name)s already acknowledged this escalation.") % {"name": escalation.acknowledged_by.get_full_name()},
        )
    return redirect("cases:crisis_detail", pk=escalation.pk)


@require_perm("cases.view_cases")
@transaction.atomic
def crisis_actions(request: HttpRequest, pk: int) -> HttpResponse:
    """Record what was done: guardian called, escort, hospital."""
    escalation = get_escalation_for(request.user, pk)
    form = CrisisActionsForm(request.POST or None, instance=escalation)
    if request.method == "POST" and form.is_valid():
        stored = Escalation.objects.get(pk=escalation.pk)
        update_actions(
            stored, by=request.user, values={name: form.cleaned_data[name] for name in ACTION_FIELDS}, request=request
        )
        messages.success(request, _("The actions were recorded."))
        return redirect("cases:crisis_detail", pk=escalation.pk)
    if request.method == "GET":
        audit_read(request, escalation, detail="actions form")
    return form_page(
        request,
        title=_("Actions taken"),
        form=form,
        back_url=reverse("cases:crisis_detail", args=[escalation.pk]),
        case=escalation.case,
    )
