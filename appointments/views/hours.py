"""Managing opening hours, closed days, extra sessions, the office rules and the mailbox rota."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from appointments.forms import ClosedDayForm, ExtraSessionForm, OfficeRulesForm, RotaForm, WeeklyScheduleForm
from appointments.models import Appointment, ClosedDay, DutyRota, ExtraSession, OfficeRules, WeeklySchedule
from appointments.services import notices
from appointments.services.slots import day_bounds
from counseling.decorators import require_perm
from counseling.models import Term
from counseling.models.audit import AuditAction
from counseling.services.audit import record

PERM = "appointments.manage_hours"


@require_perm(PERM)
def hours(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "schedules": WeeklySchedule.objects.filter(term__end__gte=today).select_related("counselor", "term"),
        "closed": ClosedDay.objects.filter(end_date__gte=today).select_related("counselor"),
        "extras": ExtraSession.objects.filter(date__gte=today).select_related("counselor"),
        "rules": OfficeRules.load(),
        "rota": DutyRota.objects.select_related("counselor"),
    }
    return render(request, "appointments/hours/index.html", context)


def _edit(request: HttpRequest, form_class, instance, title: str, done: str) -> HttpResponse:
    initial = {}
    if instance is None and form_class is WeeklyScheduleForm:
        initial["term"] = Term.objects.current()
    form = form_class(request.POST or None, instance=instance, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with transaction.atomic():
                saved = form.save()
                record(request.user, AuditAction.CHANGE if instance else AuditAction.CREATE, saved, request=request)
            messages.success(request, done)
            if isinstance(saved, ClosedDay):
                _warn_booked(request, saved)
            return redirect("appointments:hours")
    return render(request, "appointments/hours/form.html", {"form": form, "title": title}, status=status)


def _warn_booked(request: HttpRequest, closed: ClosedDay) -> None:
    """Closing the office does not cancel what is booked: tell the people concerned, and say how many."""
    lo, hi = day_bounds(closed.start_date, closed.end_date)
    booked = Appointment.objects.upcoming().filter(starts_at__gte=lo, starts_at__lt=hi)
    if closed.counselor_id:
        booked = booked.filter(counselor_id=closed.counselor_id)
    count = notices.office_closed(booked, by=request.user)
    if count:
        messages.warning(
            request,
            ngettext(
                "%(count)d booked appointment falls on these days. It is not cancelled; its student and counselor have been told.",
                "%(count)d booked appointments fall on these days. They are not cancelled; their students and counselors have been told.",
                count,
            )
            % {"count": count},
        )


@require_perm(PERM)
def schedule_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, WeeklyScheduleForm, None, _("New weekly opening hours"), _("Opening hours added."))


@require_perm(PERM)
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(WeeklySchedule, pk=pk)
    return _edit(request, WeeklyScheduleForm, schedule, _("Change opening hours"), _("Opening hours saved."))


@require_perm(PERM)
def closed_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, ClosedDayForm, None, _("New closed days"), _("Closed days added."))


@require_perm(PERM)
def extra_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, ExtraSessionForm, None, _("New extra session"), _("Extra session added."))


def _delete(request: HttpRequest, model, pk: int, done: str) -> HttpResponse:
    obj = get_object_or_404(model, pk=pk)
    with transaction.atomic():
        record(request.user, AuditAction.DELETE, obj, request=request)
        obj.delete()
    messages.success(request, done)
    return redirect("appointments:hours")


@require_perm(PERM)
@require_POST
def schedule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete(request, WeeklySchedule, pk, _("Opening hours removed. Booked appointments stay booked."))


@require_perm(PERM)
@require_POST
def closed_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete(request, ClosedDay, pk, _("Closed days removed."))


@require_perm(PERM)
@require_POST
def extra_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _delete(request, ExtraSession, pk, _("Extra session removed. Booked appointments stay booked."))


@require_perm(PERM)
def rules_edit(request: HttpRequest) -> HttpResponse:
    form = OfficeRulesForm(request.POST or None, instance=OfficeRules.load())
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with transaction.atomic():
                saved = form.save()
                record(request.user, AuditAction.CHANGE, saved, request=request)
            messages.success(request, _("The office rules are saved."))
            return redirect("appointments:hours")
    return render(request, "appointments/hours/form.html", {"form": form, "title": _("Office rules")}, status=status)


@require_perm(PERM)
def rota(request: HttpRequest) -> HttpResponse:
    form = RotaForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with transaction.atomic():
                for weekday, counselor in form.assignments().items():
                    if counselor is None:
                        DutyRota.objects.filter(weekday=weekday).delete()
                    else:
                        DutyRota.objects.update_or_create(weekday=weekday, defaults={"counselor": counselor})
            messages.success(request, _("The mailbox rota is saved."))
            return redirect("appointments:hours")
    return render(
        request, "appointments/hours/form.html", {"form": form, "title": _("Mailbox duty rota")}, status=status
    )
