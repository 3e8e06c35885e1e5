"""Counselors running screenings: list, create and edit drafts, publish, close, remind, paper sheets."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archives.forms import AnswerForm, PaperLookupForm, ScreeningForm
from archives.models import (
    Invitation,
    InvitationStatus,
    Screening,
    ScreeningStatus,
    ScreeningWarning,
    SubmissionSource,
)
from archives.services import screenings
from archives.services.participation import may_take_part
from counseling.decorators import require_perm
from counseling.models import SchoolClass
from counseling.services import district_screening


@require_perm("archives.manage_screenings")
def screening_list(request: HttpRequest) -> HttpResponse:
    rows = Screening.objects.annotate(
        invited=Count("invitations", distinct=True),
        answered=Count("invitations", filter=Q(invitations__status=InvitationStatus.SUBMITTED), distinct=True),
    ).order_by("-opens_at", "-id")
    # In a district: the screenings the district published, each with this school's run of it.
    templates = district_screening.published()
    runs = {s.district_template: s for s in Screening.objects.filter(district_template__in=[t.id for t in templates])}
    district = [(template, runs.get(template.id)) for template in templates]
    return render(request, "archives/screening_list.html", {"screenings": rows[:200], "district": district})


@require_perm("archives.run_district_screening")
@require_POST
def screening_from_district(request: HttpRequest, template_id: int) -> HttpResponse:
    """The head counselor makes this school's screening from a district screening, then sets its window."""
    template = district_screening.get(template_id)
    if template is None:
        raise Http404
    try:
        screening = screenings.start_district_screening(template, by=request.user, request=request)
    except screenings.SurveyError as error:
        messages.error(request, str(error))
        return redirect("archives:screening_list")
    messages.success(request, _("Draft made from the district screening. Set your school's window, then publish it."))
    return redirect("archives:screening_detail", pk=screening.pk)


@require_perm("archives.manage_screenings")
def screening_create(request: HttpRequest) -> HttpResponse:
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial = {"opens_at": now, "closes_at": now + datetime.timedelta(days=7)}
    form = ScreeningForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            screening = screenings.save_screening(
                form.save(commit=False),
                by=request.user,
                grades=form.cleaned_data["grades"],
                classes=form.cleaned_data["classes"],
                parts=form.parts(),
                request=request,
            )
            messages.success(request, _("Draft saved. Check it, then publish it."))
            return redirect("archives:screening_detail", pk=screening.pk)
        return render(request, "archives/screening_form.html", {"form": form}, status=400)
    return render(request, "archives/screening_form.html", {"form": form})


@require_perm("archives.manage_screenings")
def screening_edit(request: HttpRequest, pk: int) -> HttpResponse:
    screening = get_object_or_404(Screening, pk=pk)
    if screening.status != ScreeningStatus.DRAFT:
        messages.error(request, _("A published screening cannot be changed."))
        return redirect("archives:screening_detail", pk=pk)
    form = ScreeningForm(request.POST or None, instance=screening)
    if request.method == "POST":
        if form.is_valid():
            screenings.save_screening(
                form.save(commit=False),
                by=request.user,
                grades=form.cleaned_data["grades"],
                classes=form.cleaned_data["classes"],
                parts=form.parts(),
                request=request,
            )
            messages.success(request, _("Draft saved."))
            return redirect("archives:screening_detail", pk=pk)
        return render(request, "archives/screening_form.html", {"form": form, "screening": screening}, status=400)
    return render(request, "archives/screening_form.html", {"form": form, "screening": screening})


@require_perm("archives.manage_screenings")
def screening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    screening = get_object_or_404(Screening.objects.select_related("created_by", "term"), pk=pk)
    parts = screenings.parts_of(screening)
    for part in parts:
        part.warn_label = part.instrument.band_label(part.warn_band)
    completion = screenings.completion_by_class(screening)
    classes = {
        c.pk: c
        for c in SchoolClass.objects.filter(pk__in=[r["school_class_id"] for r in completion]).select_related("grade")
    }
    rows = [{**row, "school_class": classes[row["school_class_id"]]} for row in completion]
    rows.sort(key=lambda r: (r["school_class"].grade.level, r["school_class"].number))
    context = {
        "screening": screening,
        "parts": parts,
        "completion": rows,
        "invited": sum(r["invited"] for r in rows),
        "answered": sum(r["answered"] for r in rows),
        "opted_out": sum(r["opted_out"] for r in rows),
        "grades": list(screening.grades.all()),
        "classes": list(screening.classes.select_related("grade")),
        "age_mismatches": screenings.age_mismatches(screening) if not screening.is_published else [],
        "targeted": screenings.targeted_profiles(screening).count() if not screening.is_published else None,
        # The button leads to the warning list: count what it will show this user.
        "open_warnings": ScreeningWarning.objects.visible_to(request.user).filter(screening=screening).open().count(),
    }
    return render(request, "archives/screening_detail.html", context)


@require_perm("archives.manage_screenings")
@require_POST
def screening_publish(request: HttpRequest, pk: int) -> HttpResponse:
    screening = get_object_or_404(Screening, pk=pk)
    try:
        count = screenings.publish(screening, by=request.user, request=request)
    except screenings.SurveyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Published: %(count)d students invited.") % {"count": count})
    return redirect("archives:screening_detail", pk=pk)


@require_perm("archives.manage_screenings")
@require_POST
def screening_close(request: HttpRequest, pk: int) -> HttpResponse:
    screening = get_object_or_404(Screening, pk=pk)
    try:
        screenings.close_now(screening, by=request.user, request=request)
    except screenings.SurveyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The screening is closed."))
    return redirect("archives:screening_detail", pk=pk)


@require_perm("archives.manage_screenings")
@require_POST
def screening_delete(request: HttpRequest, pk: int) -> HttpResponse:
    screening = get_object_or_404(Screening, pk=pk)
    try:
        screenings.delete_draft(screening, by=request.user, request=request)
    except screenings.SurveyError as exc:
        messages.error(request, str(exc))
        return redirect("archives:screening_detail", pk=pk)
    messages.success(request, _("Draft deleted."))
    return redirect("archives:screening_list")


@require_perm("archives.manage_screenings")
@require_POST
def screening_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Remind every non-responder now (at most once a day per student)."""
    screening = get_object_or_404(Screening, pk=pk)
    if not screening.is_open():
        messages.error(request, _("Reminders can only be sent while the screening is open."))
    else:
        count = screenings.send_reminders(screening, manual=True)
        messages.success(
            request,
            _("%(count)d reminders sent. Students already reminded today are not reminded again.") % {"count": count},
        )
    return redirect("archives:screening_detail", pk=pk)


@require_perm("archives.manage_screenings")
def screening_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a student's paper answer sheet: find the student by number, then enter the answers."""
    screening = get_object_or_404(Screening, pk=pk, status=ScreeningStatus.PUBLISHED)
    lookup = PaperLookupForm(request.GET or None)
    invitation = None
    status = 200
    if lookup.is_bound and lookup.is_valid():
        invitation = (
            Invitation.objects.select_related("student", "school_class__grade", "screening")
            .filter(screening=screening, student__student_profile__student_number=lookup.cleaned_data["number"].strip())
            .first()
        )
        if invitation is None:
            lookup.add_error("number", _("No student with this number is invited to this screening."))
            status = 404
        elif invitation.is_submitted:
            lookup.add_error("number", _("This student's answers have already been recorded."))
            invitation, status = None, 409
        elif not may_take_part(invitation.student, screening):
            lookup.add_error("number", _("This student cannot take part until the guardian's consent is on record."))
            invitation, status = None, 409
    parts = screenings.parts_of(screening)
    form = None
    if invitation is not None:
        form = AnswerForm(parts, request.POST or None)
        if request.method == "POST":
            answers = screenings.answers_from_post(parts, request.POST)
            try:
                outcome = screenings.submit(
                    invitation, answers, source=SubmissionSource.PAPER, entered_by=request.user, request=request
                )
            except screenings.IncompleteAnswersError as exc:
                messages.error(request, str(exc))
                for part_id, (missing, invalid) in exc.problems.items():
                    part = next(p for p in parts if p.pk == part_id)
                    for item_id in missing + invalid:
                        form.add_error(screenings.field_name(part, item_id), _("Please answer this question."))
                status = 400
            except screenings.SurveyError as exc:
                messages.error(request, str(exc))
                return redirect("archives:screening_detail", pk=pk)
            else:
                messages.success(
                    request,
                    _("Paper answer sheet of %(student)s recorded.") % {"student": invitation.student.get_full_name()}
                    + (" " + _("A warning was raised.") if outcome.warning else ""),
                )
                return redirect(f"{request.path}")
    elif request.method == "POST":
        messages.error(request, _("Find the student first."))
        status = 400
    context = {
        "screening": screening,
        "lookup": lookup,
        "invitation": invitation,
        "form": form,
        "groups": form.grouped_fields() if form else [],
    }
    return render(request, "archives/screening_paper.html", context, status=status)
