"""Home visits (家访) and the home–school contact card (家校联系卡): class teachers plan and record
visits for the pupils of their classes; the counseling staff read them per class."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archives import access
from archives.forms import VisitPlanForm, VisitRecordForm
from archives.models import HomeVisit
from archives.services import visits as service
from counseling.decorators import require_any_perm, require_perm
from counseling.models.audit import AuditAction
from counseling.services.audit import record

READERS = ("archives.record_home_visits", "archives.view_home_visits")


def _class_page(student) -> HttpResponse:
    return redirect("archives:visit_class", student.student_profile.school_class_id)


@require_any_perm(*READERS)
def visit_overview(request: HttpRequest) -> HttpResponse:
    """Coverage this school year for each class the user may see: counts only, no pupil named."""
    year = service.school_year_of(timezone.localdate())
    rows = service.coverage(access.visit_classes_for(request.user), year=year)
    totals = {"pupils": sum(r["pupils"] for r in rows), "visited": sum(r["visited"] for r in rows)}
    return render(request, "archives/visit_overview.html", {"rows": rows, "totals": totals, "year": year})


@require_any_perm(*READERS)
def visit_class(request: HttpRequest, class_pk: int) -> HttpResponse:
    """Every pupil of the class with their last visit this school year, or "not visited"."""
    school_class = access.get_visit_class_for(request.user, class_pk)
    year = service.school_year_of(timezone.localdate())
    pupils = list(service.class_pupils(school_class, year=year))
    not_visited = request.GET.get("not_visited") == "1"
    shown = [p for p in pupils if p.last_visit is None] if not_visited else pupils
    service.audit_class_page(request.user, shown, request=request)
    context = {
        "school_class": school_class,
        "year": year,
        "pupils": shown,
        "not_visited": not_visited,
        "count_all": len(pupils),
        "count_missing": sum(1 for p in pupils if p.last_visit is None),
        "can_record": request.user.has_perm("archives.record_home_visits"),
    }
    return render(request, "archives/visit_class.html", context)


@require_perm("archives.record_home_visits")
def visit_plan(request: HttpRequest, student_pk: int) -> HttpResponse:
    student = access.get_visit_student_for(request.user, student_pk)
    form = VisitPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.plan(student, by=request.user, request=request, **form.cleaned_data)
        except service.VisitError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The visit is planned."))
            return _class_page(student)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "archives/visit_form.html",
        {"student": student, "form": form, "title": _("Plan a home visit")},
        status=status,
    )


@require_perm("archives.record_home_visits")
def visit_record(request: HttpRequest, student_pk: int) -> HttpResponse:
    """Record a visit that was not planned here first."""
    student = access.get_visit_student_for(request.user, student_pk)
    form = VisitRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.record_visit(student, by=request.user, request=request, **form.cleaned_data)
        except service.VisitError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The visit is recorded."))
            return _class_page(student)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "archives/visit_form.html",
        {"student": student, "form": form, "title": _("Record a home visit")},
        status=status,
    )


def _initial(visit: HomeVisit) -> dict:
    return {
        "visited_on": visit.visited_on or min(visit.planned_for, timezone.localdate()),
        "channel": visit.channel,
        "met": visit.met,
        "met_other": visit.met_other,
        "topics": visit.topics,
        "note": visit.note,
    }


@require_perm("archives.record_home_visits")
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A planned visit: record it (planned → done). A recorded one: correct it, by its recorder
    within the window; after that it is shown, not changed."""
    visit = access.get_home_visit_for(request.user, pk)
    student = visit.student
    planned = not visit.is_done
    editable = planned or service.can_correct(visit, request.user)
    submit = _("Record the visit") if planned else _("Save the correction")
    form = VisitRecordForm(request.POST or None, initial=_initial(visit), submit=submit) if editable else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            if planned:
                service.record_visit(student, visit=visit, by=request.user, request=request, **form.cleaned_data)
            else:
                service.correct(visit, by=request.user, request=request, **form.cleaned_data)
        except service.VisitError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The visit is recorded.") if planned else _("The visit is saved."))
            return _class_page(student)
    elif request.method == "POST" and form is None:
        messages.error(request, _("A recorded visit can be corrected only by who recorded it, within 7 days."))
        return _class_page(student)
    if request.method == "GET" and visit.note:
        # The form (or the page) shows the note: a read of it.
        record(request.user, AuditAction.VIEW, visit, request=request, student_id=student.pk, detail="home visit note")
    title = _("Record a home visit") if planned else _("Home visit")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "archives/visit_form.html",
        {"student": student, "form": form, "visit": visit, "title": title},
        status=status,
    )


@require_perm("archives.record_home_visits")
@require_POST
def visit_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.get_home_visit_for(request.user, pk)
    try:
        service.cancel(visit, by=request.user, request=request)
    except service.VisitError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The planned visit is cancelled."))
    return _class_page(visit.student)


@require_any_perm(*READERS)
def visit_card(request: HttpRequest, student_pk: int) -> HttpResponse:
    """The printable home–school contact card (browser print; no script). Audited as a print."""
    student = access.get_visit_student_for(request.user, student_pk)
    card = service.contact_card(student, viewer=request.user, request=request)
    return render(request, "archives/visit_card.html", {"card": card, "student": student})
