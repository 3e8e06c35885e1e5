"""One appointment, for its student or its counselor: details, move, cancel, calendar file."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appointments.enums import AppointmentStatus
from appointments.forms import CounselorMoveForm
from appointments.models import OfficeRules
from appointments.services import booking
from appointments.services.calendar import appointment_file
from appointments.services.errors import BookingError, SlotTakenError
from appointments.services.slots import free_slots, group_by_day, parse_slot_key
from appointments.services.timing import UnusualTimeError
from appointments.views.common import STUDENT_OR_STAFF, get_appointment_for, is_student_of
from counseling.cases import contract as cases
from counseling.decorators import require_any_perm
from counseling.models.audit import AuditAction
from counseling.services.audit import record


def _student_may_change(appointment, rules: OfficeRules) -> bool:
    return appointment.is_upcoming and appointment.starts_at - timezone.now() >= datetime.timedelta(
        hours=rules.change_cutoff_hours
    )


@require_any_perm(*STUDENT_OR_STAFF)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for(request.user, pk)
    rules = OfficeRules.load()
    student_view = is_student_of(appointment, request.user)
    if not student_view:
        # The topic is confidential: staff readings are logged (a student reading their own is not).
        record(request.user, AuditAction.VIEW, appointment, request=request, student_id=appointment.student_id)
    recorded = appointment.status in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)
    context = {
        "appointment": appointment,
        "student_view": student_view,
        "rules": rules,
        "may_change": _student_may_change(appointment, rules) if student_view else appointment.is_upcoming,
        "may_confirm": not student_view
        and appointment.status == AppointmentStatus.REQUESTED
        and appointment.starts_at > timezone.now(),
        # The two outcome buttons go once one is used; a wrong mark is corrected with the small one.
        "may_record": not student_view and appointment.has_started and appointment.is_open,
        "may_correct": not student_view and appointment.has_started and recorded,
        # The student's case as this counselor may reach it (the cases app's door decides).
        "case_links": None if student_view else cases.case_links(request.user, appointment.student, appointment_id=pk),
    }
    return render(request, "appointments/detail.html", context)


@require_any_perm(*STUDENT_OR_STAFF)
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """Students pick another free time of the same counselor; counselors enter any time."""
    appointment = get_appointment_for(request.user, pk)
    rules = OfficeRules.load()
    if is_student_of(appointment, request.user):
        return _student_move(request, appointment, rules)
    return _counselor_move(request, appointment)


def _student_move(request: HttpRequest, appointment, rules: OfficeRules) -> HttpResponse:
    status, error = 200, None
    if request.method == "POST":
        starts_at = parse_slot_key(request.POST.get("start"))
        if starts_at is None:
            status, error = 400, _("Choose one of the free times.")
        else:
            try:
                booking.move(appointment, by=request.user, starts_at=starts_at, request=request)
            except SlotTakenError as exc:
                status, error = 409, exc.message
            except BookingError as exc:
                status, error = 400, exc.message
            else:
                messages.success(request, _("Your appointment is moved."))
                return redirect("appointments:detail", pk=appointment.pk)
    # Picking a time only asks; the move happens when the student confirms it (a POST).
    chosen = parse_slot_key(request.GET.get("start")) if request.method == "GET" else None
    days = []
    if _student_may_change(appointment, rules):
        today = timezone.localdate()
        days = group_by_day(
            free_slots(
                today,
                today + datetime.timedelta(days=rules.booking_horizon_days),
                counselor_ids=[appointment.counselor_id],
                not_before=timezone.now() + datetime.timedelta(hours=rules.booking_cutoff_hours),
                student_id=request.user.pk,
            )
        )
    elif error is None:
        error = _("This appointment can no longer be changed online. Please contact the counseling office.")
    context = {
        "appointment": appointment,
        "days": days,
        "error": error,
        "chosen": next((slot for _day, slots in days for slot in slots if slot.starts_at == chosen), None),
    }
    return render(request, "appointments/student/move.html", context, status=status)


def _counselor_move(request: HttpRequest, appointment) -> HttpResponse:
    local = timezone.localtime(appointment.starts_at)
    initial = {
        "date": local.date(),
        "start_time": local.time(),
        "duration": appointment.duration_minutes,
        "room": appointment.room,
    }
    form = CounselorMoveForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                booking.move(
                    appointment,
                    by=request.user,
                    starts_at=form.cleaned_data["starts_at"],
                    ends_at=form.cleaned_data["ends_at"],
                    room=form.cleaned_data["room"],
                    confirmed_unusual=form.cleaned_data["confirm_unusual"],
                    request=request,
                )
            except UnusualTimeError as exc:
                form.ask_to_confirm(exc.message)
            except BookingError as exc:
                form.add_error(None, exc.message)
                status = 409 if isinstance(exc, SlotTakenError) else 400
            else:
                messages.success(request, _("The appointment is moved and the student is told."))
                return redirect("appointments:detail", pk=appointment.pk)
    return render(request, "appointments/agenda/move.html", {"appointment": appointment, "form": form}, status=status)


@require_any_perm(*STUDENT_OR_STAFF)
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for(request.user, pk)
    try:
        booking.cancel(appointment, by=request.user, request=request)
    except BookingError as exc:
        messages.error(request, exc.message)
        return redirect("appointments:detail", pk=appointment.pk)
    messages.success(request, _("The appointment is cancelled."))
    if is_student_of(appointment, request.user):
        return redirect("appointments:mine")
    return redirect("appointments:detail", pk=appointment.pk)


@require_any_perm(*STUDENT_OR_STAFF)
def ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The appointment as an .ics file to add to a phone's calendar."""
    appointment = get_appointment_for(request.user, pk)
    response = HttpResponse(appointment_file(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="counseling-{appointment.pk}.ics"'
    return response
