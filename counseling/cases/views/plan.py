"""The intake, the goals of the plan, and follow-ups."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counseling.cases.enums import FollowUpStatus
from counseling.cases.forms import FollowUpForm, GoalForm, IntakeForm
from counseling.cases.models import Intake
from counseling.cases.services.access import get_case_for
from counseling.cases.services.plan import add_follow_up, finish_follow_up, save_goal, save_intake
from counseling.decorators import require_perm

from .common import audit_read, form_page


def _linked_screening_warnings(case) -> list:
    """Screening warnings the archives linked to this case when it was opened from one (through the
    relation the archives declare, ScreeningWarning.case: the case records never import them)."""
    return list(case.screening_warnings.select_related("screening").order_by("-created_at"))


@require_perm("cases.view_cases")
@transaction.atomic
def intake(request: HttpRequest, pk: int) -> HttpResponse:
    """The initial assessment, read (audited)."""
    case = get_case_for(request.user, pk)
    record = Intake.objects.filter(case=case).select_related("author").first()
    results = []
    if record is not None:
        audit_read(request, record)
        results = list(record.screening_results.select_related("instrument").order_by("-submitted_at"))
    context = {"case": case, "intake": record, "results": results, "warnings": _linked_screening_warnings(case)}
    return render(request, "cases/intake.html", context)


@require_perm("cases.view_cases")
@transaction.atomic
def intake_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write or change the initial assessment."""
    case = get_case_for(request.user, pk)
    record = Intake.objects.filter(case=case).first()
    form = IntakeForm(request.POST or None, instance=record, case=case)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in [*IntakeForm.Meta.fields, "screening_results"]}
        save_intake(case, by=request.user, values=values, request=request)
        messages.success(request, _("The intake was saved."))
        return redirect("cases:intake", pk=case.pk)
    if record is not None and request.method == "GET":
        audit_read(request, record, detail="edit form")
    return form_page(
        request, title=_("Initial assessment"), form=form, back_url=reverse("cases:detail", args=[case.pk]), case=case
    )


@require_perm("cases.view_cases")
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in GoalForm.Meta.fields}
        save_goal(case, by=request.user, values=values, request=request)
        messages.success(request, _("The goal was added to the plan."))
        return redirect("cases:detail", pk=case.pk)
    return form_page(
        request, title=_("Add a goal"), form=form, back_url=reverse("cases:detail", args=[case.pk]), case=case
    )


@require_perm("cases.view_cases")
def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    goal = get_object_or_404(case.goals, pk=goal_pk)
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in GoalForm.Meta.fields}
        # The form wrote the new values onto the instance; compare against the stored row.
        save_goal(case, by=request.user, values=values, goal=case.goals.get(pk=goal.pk), request=request)
        messages.success(request, _("The goal was saved."))
        return redirect("cases:detail", pk=case.pk)
    if request.method == "GET":
        audit_read(request, goal, detail="edit form")
    return form_page(
        request, title=_("Change the goal"), form=form, back_url=reverse("cases:detail", args=[case.pk]), case=case
    )


@require_perm("cases.view_cases")
def followup_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        add_follow_up(case, by=request.user, request=request, **form.cleaned_data)
        messages.success(request, _("The follow-up is planned; you will be reminded on the day."))
        return redirect("cases:detail", pk=case.pk)
    return form_page(
        request, title=_("Plan a follow-up"), form=form, back_url=reverse("cases:detail", args=[case.pk]), case=case
    )


@require_perm("cases.view_cases")
@require_POST
def followup_done(request: HttpRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    """Mark a follow-up done, or cancelled with ``status=cancelled``."""
    case = get_case_for(request.user, pk)
    follow_up = get_object_or_404(case.follow_ups, pk=follow_up_pk)
    status = FollowUpStatus.CANCELLED if request.POST.get("status") == FollowUpStatus.CANCELLED else FollowUpStatus.DONE
    if finish_follow_up(follow_up, by=request.user, status=status, request=request):
        messages.success(request, _("The follow-up was updated."))
    else:
        messages.info(request, _("This follow-up was already closed."))
    return redirect("cases:detail", pk=case.pk)
