"""Parent classes and meetings: guardians' pages (built for a 375 px phone) and the organiser's page
for one event (families, attendance, walk-ins, materials, feedback)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.family_forms import (
    AttendanceForm,
    ChildForm,
    FeedbackAnswerForm,
    FeedbackChoiceForm,
    MaterialForm,
    WalkInForm,
)
from campaigns.services import access, files
from campaigns.services import families as family_service
from campaigns.views.common import add_errors, message_errors
from counseling.decorators import require_any_perm, require_perm
from counseling.services.family import children_of

# Guardians


@require_perm("campaigns.attend_parent_class")
def family_events(request: HttpRequest) -> HttpResponse:
    upcoming, past = family_service.events_for_guardian(request.user)
    context = {
        "upcoming": upcoming,
        "past": past,
        "now": timezone.now(),
        "has_children": bool(upcoming or past) or children_of(request.user).exists(),
    }
    return render(request, "campaigns/family_events.html", context)


def _child_id(request: HttpRequest) -> int:
    form = ChildForm(request.POST)
    if not form.is_valid():
        raise Http404
    # Only the guardian's own children: another child does not exist here.
    return get_object_or_404(children_of(request.user), pk=form.cleaned_data["child"]).pk


@require_perm("campaigns.attend_parent_class")
@require_POST
def family_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(family_service.family_events(), pk=pk)
    child_id = _child_id(request)
    try:
        family_service.register(event.pk, guardian=request.user, student_id=child_id)
    except ValidationError as error:
        message_errors(request, error)
    else:
        messages.success(request, _("Your family is registered for “%(event)s”.") % {"event": event.title})
    return redirect("campaigns:family_events")


@require_perm("campaigns.attend_parent_class")
@require_POST
def family_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(family_service.family_events(), pk=pk)
    child_id = _child_id(request)
    try:
        family_service.cancel(event.pk, guardian=request.user, student_id=child_id)
    except ValidationError as error:
        message_errors(request, error)
    else:
        messages.success(request, _("Your registration for “%(event)s” is withdrawn.") % {"event": event.title})
    return redirect("campaigns:family_events")


@require_perm("campaigns.attend_parent_class")
def family_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_family_event_for(request.user, pk)
    state = family_service.feedback_state(event, request.user)
    if state == "closed":
        raise Http404
    form = FeedbackAnswerForm(request.POST or None, items=event.feedback_items) if state == "open" else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            family_service.answer_feedback(event.pk, guardian=request.user, answers=form.answers())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Thank you: your answers are counted, without your name."))
            return redirect("campaigns:family_events")
    return render(request, "campaigns/family_feedback.html", {"event": event, "form": form, "state": state})


@require_any_perm("campaigns.manage_campaigns", "campaigns.attend_parent_class")
def material_file(request: HttpRequest, pk: int) -> HttpResponse:
    material = get_object_or_404(access.materials_visible_to(request.user), pk=pk)
    return files.file_response(material)


# The organiser


def _page(request: HttpRequest, event, **forms) -> HttpResponse:
    registrations = list(family_service.registrations_of(event))
    answered, results = family_service.feedback_results(event) if event.feedback_items else (None, [])
    context = {
        "event": event,
        "registrations": registrations,
        "attended_count": sum(1 for row in registrations if row.attended_at),
        "attendance_form": forms.get("attendance") or AttendanceForm(registrations=registrations),
        "walk_in_form": forms.get("walk_in") or WalkInForm(candidates=family_service.walk_in_candidates(event)),
        "material_form": forms.get("material") or MaterialForm(),
        "feedback_form": forms.get("feedback") or FeedbackChoiceForm(initial={"code": event.feedback_code}),
        "materials": list(event.materials.order_by("pk")),
        "answered": answered,
        "feedback_locked": event.feedback_markers.exists(),
        "results": results,
        "can_mark": timezone.localdate(event.starts_at) <= timezone.localdate(),
    }
    return render(request, "campaigns/family_event.html", context)


@require_perm("campaigns.manage_campaigns")
def family_event(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, access.get_editable_family_event(request.user, pk))


@require_perm("campaigns.manage_campaigns")
@require_POST
def family_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_editable_family_event(request.user, pk)
    form = AttendanceForm(request.POST, registrations=family_service.registrations_of(event))
    if form.is_valid():
        try:
            count = family_service.mark_attendance(
                event, by=request.user, attended=form.cleaned_data["attended"], request=request
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Attendance saved: %(count)d families came.") % {"count": count})
            return redirect("campaigns:family_event", event.pk)
    return _page(request, event, attendance=form)


@require_perm("campaigns.manage_campaigns")
@require_POST
def family_walk_in(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_editable_family_event(request.user, pk)
    form = WalkInForm(request.POST, candidates=family_service.walk_in_candidates(event))
    if form.is_valid():
        try:
            family_service.add_walk_in(
                event, by=request.user, student_id=form.cleaned_data["student"].pk, request=request
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The family is marked as present."))
            return redirect("campaigns:family_event", event.pk)
    return _page(request, event, walk_in=form)


@require_perm("campaigns.manage_campaigns")
@require_POST
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_editable_family_event(request.user, pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            family_service.add_material(
                event,
                by=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                request=request,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Material added."))
            return redirect("campaigns:family_event", event.pk)
    return _page(request, event, material=form)


@require_perm("campaigns.manage_campaigns")
@require_POST
def material_delete(request: HttpRequest, pk: int) -> HttpResponse:
    material = get_object_or_404(access.materials_visible_to(request.user), pk=pk)
    event = access.get_editable_family_event(request.user, material.event_id)
    family_service.delete_material(material, by=request.user, request=request)
    messages.success(request, _("Material removed."))
    return redirect("campaigns:family_event", event.pk)


@require_perm("campaigns.manage_campaigns")
@require_POST
def feedback_choose(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_editable_family_event(request.user, pk)
    form = FeedbackChoiceForm(request.POST)
    if form.is_valid():
        try:
            family_service.choose_feedback(event, by=request.user, code=form.cleaned_data["code"], request=request)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Feedback questionnaire saved."))
            return redirect("campaigns:family_event", event.pk)
    return _page(request, event, feedback=form)
