"""The counselor's side: day and week agenda, booking for a student, outcomes, follow-ups, calendar feed."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from appointments.enums import AppointmentStatus
from appointments.forms import AppointmentCreateForm, FollowUpForm
from appointments.models import Appointment, CalendarFeed
from appointments.services import booking
from appointments.services.agenda import agenda, week_of
from appointments.services.calendar import counselor_feed, revoke_feed, rotate_feed
from appointments.services.errors import BookingError, SlotTakenError
from appointments.services.slots import parse_slot_key
from appointments.services.timing import UnusualTimeError
from appointments.views.common import get_appointment_for, parse_day
from appointments.views.week_grid import week_columns
from counseling.decorators import require_perm
from counseling.roles import counselors
from counseling.services.audit import record_list


def _scope(request: HttpRequest) -> tuple[list[int] | None, str]:
    """Whose agenda: your own; the head counselor may pick anyone or everyone (the default)."""
    user = request.user
    if not user.has_perm("appointments.view_all_agendas"):
        return [user.pk], str(user.pk)
    wanted = request.GET.get("counselor", "all")
    if wanted.isdecimal() and len(wanted) < 12 and counselors().filter(pk=int(wanted)).exists():
        return [int(wanted)], wanted
    return None, "all"


def _agenda_context(request: HttpRequest, first: datetime.date, last: datetime.date, *, as_rows: bool = False) -> dict:
    ids, selected = _scope(request)
    agenda_days = agenda(first, last, ids, as_rows=as_rows)
    # Who comes to the counseling office is itself confidential: one entry naming them.
    named = [appointment.student_id for d in agenda_days for appointment in d.appointments]
    record_list(request.user, Appointment, named, request=request, detail="agenda")
    return {
        "agenda_days": agenda_days,
        "selected": selected,
        "show_counselor": ids is None,
        "counselor_choices": counselors() if request.user.has_perm("appointments.view_all_agendas") else None,
        "today": timezone.localdate(),
    }


@require_perm("appointments.view_agenda")
def week(request: HttpRequest) -> HttpResponse:
    day = parse_day(request.GET.get("date"))
    first, last = week_of(day)
    # The week grid prints plain values (week_columns), not appointments.
    context = _agenda_context(request, first, last, as_rows=True)
    # Weekend columns only when something happens on them.
    shown = [d for d in context.pop("agenda_days") if d.day.weekday() < 5 or d.appointments or d.groups or d.free]
    columns, labels = week_columns(
        shown, selected=context["selected"], show_counselor=context["show_counselor"], today=context["today"]
    )
    context.update(
        {
            "columns": columns,
            "labels": labels,
            "first": first,
            "last": last,
            "previous": first - datetime.timedelta(days=7),
            "next": first + datetime.timedelta(days=7),
        }
    )
    return render(request, "appointments/agenda/week.html", context)


@require_perm("appointments.view_agenda")
def day(request: HttpRequest) -> HttpResponse:
    current = parse_day(request.GET.get("date"))
    context = _agenda_context(request, current, current)
    context.update(
        {
            "day": current,
            "agenda_day": context["agenda_days"][0],
            "previous": current - datetime.timedelta(days=1),
            "next": current + datetime.timedelta(days=1),
        }
    )
    return render(request, "appointments/agenda/day.html", context)


@require_perm("appointments.view_agenda")
def create(request: HttpRequest) -> HttpResponse:
    """Book a student at any time: walk-in, phone, a key-student slot."""
    user = request.user
    choose = user.has_perm("appointments.view_all_agendas")
    initial: dict = {}
    start = parse_slot_key(request.GET.get("start"))
    if start is not None:
        local = timezone.localtime(start)
        initial.update({"date": local.date(), "start_time": local.time()})
    if request.GET.get("minutes", "").isdecimal():
        initial["duration"] = int(request.GET["minutes"][:3])
    if request.GET.get("room"):
        initial["room"] = request.GET["room"][:100]
    if choose and request.GET.get("counselor", "").isdecimal():
        initial["counselor"] = int(request.GET["counselor"][:12])
    form = AppointmentCreateForm(request.POST or None, initial=initial, user=user, choose_counselor=choose)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                appointment = booking.create_for_student(
                    counselor=form.chosen_counselor(),
                    student=data["student"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    channel=data["channel"],
                    topic=data["topic"],
                    room=data["room"],
                    source=data["source"],
                    by=user,
                    confirmed_unusual=data["confirm_unusual"],
                    request=request,
                )
            except UnusualTimeError as exc:
                form.ask_to_confirm(exc.message)
            except BookingError as exc:
                form.add_error(None, exc.message)
                status = 409 if isinstance(exc, SlotTakenError) else 400
            else:
                messages.success(request, _("The appointment is booked and the student is told."))
                return redirect("appointments:detail", pk=appointment.pk)
    return render(request, "appointments/agenda/create.html", {"form": form}, status=status)


@require_perm("appointments.view_agenda")
def requests(request: HttpRequest) -> HttpResponse:
    """The booking requests that wait for a confirmation, soonest first (the home page links here)."""
    pending = (
        Appointment.objects.visible_to(request.user).upcoming().filter(status=AppointmentStatus.REQUESTED).for_lists()
    )
    context = {
        "page": Paginator(pending, 30).get_page(request.GET.get("page")),
        "show_counselor": request.user.has_perm("appointments.view_all_agendas"),
    }
    return render(request, "appointments/agenda/requests.html", context)


def _back(request: HttpRequest, appointment) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("appointments:detail", pk=appointment.pk)


def _act(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    appointment = get_appointment_for(request.user, pk)
    if appointment.student_id == request.user.pk:
        raise Http404
    try:
        action(appointment, by=request.user, request=request)
    except BookingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back(request, appointment)


@require_perm("appointments.view_agenda")
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, booking.confirm, _("The appointment is confirmed and the student is told."))


@require_perm("appointments.view_agenda")
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, booking.decline, _("The request is declined and the student is told."))


@require_perm("appointments.view_agenda")
@require_POST
def attended(request: HttpRequest, pk: int) -> HttpResponse:
    def action(appointment, **kwargs):
        return booking.record_outcome(appointment, attended=True, **kwargs)

    _act(request, pk, action, _("Marked as attended."))
    # Straight to the appointment (not back to the list): writing the session note is offered there.
    return redirect("appointments:detail", pk=pk)


@require_perm("appointments.view_agenda")
@require_POST
def no_show(request: HttpRequest, pk: int) -> HttpResponse:
    def action(appointment, **kwargs):
        return booking.record_outcome(appointment, attended=False, **kwargs)

    return _act(request, pk, action, _("Marked as no-show."))


@require_perm("appointments.view_agenda")
def follow_ups(request: HttpRequest, pk: int) -> HttpResponse:
    """Recurring follow-ups: check the dates (conflicts shown), then book the free ones."""
    appointment = get_appointment_for(request.user, pk)
    local = timezone.localtime(appointment.starts_at)
    initial = {"first_date": local.date() + datetime.timedelta(days=7), "start_time": local.time()}
    form = FollowUpForm(request.POST or None, initial=initial)
    plan = None
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data
            args = {
                "first_start": data["first_start"],
                "every_days": data["every"],
                "count": data["count"],
                "allow_unusual": data["confirm_unusual"],
            }
            if request.POST.get("action") == "save":
                booked, skipped = booking.book_follow_ups(appointment, by=request.user, request=request, **args)
                if booked:
                    messages.success(
                        request,
                        ngettext("%(count)d follow-up booked.", "%(count)d follow-ups booked.", len(booked))
                        % {"count": len(booked)},
                    )
                if skipped:
                    messages.warning(
                        request,
                        ngettext(
                            "%(count)d date was skipped because of a conflict.",
                            "%(count)d dates were skipped because of conflicts.",
                            len(skipped),
                        )
                        % {"count": len(skipped)},
                    )
                return redirect("appointments:detail", pk=appointment.pk)
            plan = booking.plan_follow_ups(appointment, **args)
            if any(o.unusual for o in plan):
                form.show_confirmation()
    context = {
        "appointment": appointment,
        "form": form,
        "plan": plan,
        "free_count": sum(1 for o in plan if o.is_free) if plan else 0,
    }
    return render(request, "appointments/agenda/follow_ups.html", context, status=status)


@require_perm("appointments.view_agenda")
def feed_settings(request: HttpRequest) -> HttpResponse:
    """Your secret calendar address: create, replace or revoke it."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            revoke_feed(request.user)
            messages.success(request, _("The calendar address is revoked. Calendars using it stop updating."))
        else:
            rotate_feed(request.user)
            messages.success(request, _("A new calendar address is ready. Any older address stops working."))
        return redirect("appointments:feed_settings")
    feed = CalendarFeed.objects.filter(counselor=request.user).first()
    url = request.build_absolute_uri(reverse("appointments:feed", args=[feed.token])) if feed else None
    return render(request, "appointments/agenda/feed.html", {"feed": feed, "feed_url": url})


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed itself: no sign-in (calendar apps cannot), only the secret token."""
    found = CalendarFeed.objects.select_related("counselor").filter(token=token, counselor__is_active=True).first()
    if found is None:
        raise Http404
    response = HttpResponse(counselor_feed(found.counselor), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
