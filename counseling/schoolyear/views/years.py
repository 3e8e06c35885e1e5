"""Terms and the new-year wizard (administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counseling.decorators import require_perm
from counseling.models import Term
from counseling.schoolyear.forms import NextTermForm, RolloverForm
from counseling.schoolyear.models import RolloverClass, YearRollover
from counseling.schoolyear.services import rollover as rollovers
from counseling.schoolyear.services import terms


@require_perm("counseling.manage_directory")
def index(request: HttpRequest) -> HttpResponse:
    """Terms and the school years started, with the way to the next of each."""
    context = {
        "terms": Term.objects.annotate(
            stored_reports=Count("reports", filter=Q(reports__status__in=["draft", "published"]))
        ),
        "rollovers": YearRollover.objects.select_related("applied_by", "term")[:10],
        "current": Term.objects.current(),
        "next_term": terms.next_term(),
    }
    return render(request, "schoolyear/index.html", context)


@require_perm("counseling.manage_directory")
def term_create(request: HttpRequest) -> HttpResponse:
    planned = terms.next_term()
    initial = {"name": planned.name, "start": planned.start, "end": planned.end}
    form = NextTermForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                term = terms.create_next_term(**form.cleaned_data, by=request.user, request=request)
            except terms.TermError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The term %(term)s is created.") % {"term": term.name})
                return redirect("schoolyear:index")
        status = 400
    return render(request, "schoolyear/term_form.html", {"form": form, "planned": planned}, status=status)


@require_perm("counseling.manage_directory")
@require_POST
def term_make_current(request: HttpRequest, pk: int) -> HttpResponse:
    term = get_object_or_404(Term, pk=pk)
    try:
        terms.make_current(term, by=request.user, request=request)
    except terms.TermError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(term)s is now the current term.") % {"term": term.name})
    return redirect("schoolyear:index")


@require_perm("counseling.run_new_year")
def new_year(request: HttpRequest) -> HttpResponse:
    """Step 1: the plan and the teacher for each class; posting it shows the preview (step 2)."""
    plan = rollovers.plan_rollover()
    if request.method == "POST" and plan.ok:
        form = RolloverForm(request.POST, plan=plan)
        if form.is_valid():
            problems = rollovers.assign_teachers(plan, form.teachers())
            if form.cleaned_data["year"] != plan.to_year:
                problems.append(_("The page was made for another school year. Start again from this page."))
            if not problems:
                confirm = RolloverForm(request.POST, plan=plan, confirm=True)
                return render(request, "schoolyear/new_year_preview.html", {"plan": plan, "form": confirm})
            for problem in problems:
                form.add_error(None, problem)
        return render(request, "schoolyear/new_year.html", {"plan": plan, "form": form}, status=400)
    form = RolloverForm(plan=plan) if plan.ok else None
    return render(
        request,
        "schoolyear/new_year.html",
        {"plan": plan, "form": form},
        status=200 if request.method == "GET" else 400,
    )


@require_perm("counseling.run_new_year")
@require_POST
def new_year_apply(request: HttpRequest) -> HttpResponse:
    """Step 3: apply what the preview showed, all or nothing."""
    plan = rollovers.plan_rollover()
    form = RolloverForm(request.POST, plan=plan)
    if not form.is_valid():
        messages.error(request, _("The wizard's form was incomplete. Nothing was changed; start again."))
        return redirect("schoolyear:new_year")
    try:
        done = rollovers.apply_rollover(
            to_year=form.cleaned_data["year"],
            class_ids=form.class_ids(),
            teachers=form.teachers(),
            by=request.user,
            request=request,
        )
    except rollovers.RolloverRefusedError as exc:
        return render(request, "schoolyear/new_year_refused.html", {"problems": exc.problems, "plan": plan}, status=409)
    messages.success(request, _("The school year %(year)s has started.") % {"year": str(done)})
    return redirect("schoolyear:rollover", pk=done.pk)


@require_perm("counseling.run_new_year")
def rollover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    done = get_object_or_404(YearRollover.objects.select_related("applied_by", "term"), pk=pk)
    rows = RolloverClass.objects.filter(rollover=done).select_related(
        "school_class", "from_grade", "to_grade", "old_teacher", "new_teacher"
    )
    return render(request, "schoolyear/rollover_detail.html", {"rollover": done, "rows": rows})
