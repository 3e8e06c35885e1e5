"""The student's side: my appointments, free times, booking, the waitlist and its offers."""

from __future__ import annotations

import datetime

from crispy_forms.utils import render_crispy_form
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appointments.enums import OPEN_STATUSES, AppointmentStatus, OfferStatus
from appointments.forms import BookForm, CounselorFilterForm, WaitlistForm
from appointments.models import Appointment, GroupSession, OfficeRules, WaitlistEntry, WaitlistOffer, WeeklySchedule
from appointments.services import booking, waitlist
from appointments.services.errors import BookingError, SlotTakenError
from appointments.services.hours_cache import office_rules, window_hours
from appointments.services.slots import free_slots, group_by_day, merge_any_counselor, parse_slot_key
from counseling import prepared
from counseling.decorators import require_perm
from counseling.roles import counselors


@require_perm("appointments.book")
def mine(request: HttpRequest) -> HttpResponse:
    """The student's page: what is ahead, offers and waitlist, group sessions, what is past."""
    user, now = request.user, timezone.now()
    own = Appointment.objects.visible_to(user).for_lists()
    ahead = Q(status__in=OPEN_STATUSES, ends_at__gt=now)
    upcoming = list(own.filter(ahead))
    # "Earlier" is what lies in the past; a time ahead that was cancelled or declined is listed
    # on its own, not among the past visits.
    called_off = list(own.filter(starts_at__gt=now).exclude(status__in=OPEN_STATUSES)[:10])
    past = Paginator(own.filter(starts_at__lte=now).exclude(ahead).order_by("-starts_at", "-id"), 20).get_page(
        request.GET.get("page")
    )
    context = {
        "upcoming": upcoming,
        "called_off": called_off,
        "page": past,
        "offer": WaitlistOffer.objects.live().filter(entry__student=user).select_related("counselor").first(),
        "entry": WaitlistEntry.objects.waiting().filter(student=user).select_related("counselor").first(),
        "groups": list(GroupSession.objects.upcoming().filter(participants__student=user).select_related("counselor")),
        "rules": OfficeRules.load(),
    }
    return render(request, "appointments/student/mine.html", context)


def _counselors_with_hours() -> list[tuple[int, str]]:
    """(id, name) of the active counselors with opening hours this term or a later one."""
    rows = prepared.rows(
        "appointments.book.counselors",
        lambda today: counselors()
        .filter(pk__in=WeeklySchedule.objects.filter(term__end__gte=today).values("counselor_id"))
        .values_list("pk", "name", "username"),
        today=timezone.localdate(),
    )
    # As User.__str__: the name, else the user name.
    return [(pk, name or username) for pk, name, username in rows]


# The counselor filter as crispy-forms draws it, by language, choices and the choice made: the
# same few forms for every student (counselors' names only, no one's data); a form with an error
# is drawn afresh.
_FILTER_FORMS: dict[tuple, str] = {}


def _filter_form_html(form: CounselorFilterForm) -> str:
    if form.is_bound and not form.is_valid():
        return render_crispy_form(form)
    chosen = form.cleaned_data.get("counselor", "") if form.is_bound else ""
    key = (get_language(), tuple((value, str(label)) for value, label in form.fields["counselor"].choices), chosen)
    html = _FILTER_FORMS.get(key)
    if html is None:
        html = render_crispy_form(form)
        if len(_FILTER_FORMS) < 256:
            _FILTER_FORMS[key] = html
    return html


def _day_rows(days, counselor_param: str) -> list[dict]:
    """The booking page's days, each with its heading and its slots' links written out.

    One ``reverse()`` for all links, one formatting per distinct time, and each slot's local time
    worked out once in the page's time zone: a fortnight holds dozens of slots, and this page is
    every student's way in. The links are written by ``format_html_join`` (values escaped).
    """
    confirm = reverse("appointments:book_confirm")
    tz = timezone.get_current_timezone()
    times: dict[datetime.time, str] = {}
    rows = []
    for number, (day, slots) in enumerate(days, start=1):
        links = []
        for slot in slots:
            local = slot.starts_at.astimezone(tz)
            label = times.get(local.time())
            if label is None:
                label = times[local.time()] = time_format(local, "TIME_FORMAT")
            url = f"{confirm}?counselor={counselor_param}&start={local:%Y-%m-%dT%H:%M}"
            links.append((url, label))
        heading = f"{date_format(day, 'l')} · {date_format(day, 'MONTH_DAY_FORMAT')}"
        rows.append({"number": number, "heading": heading, "slots": format_html_join("\n", SLOT_LINK, links)})
    return rows


SLOT_LINK = '<a class="btn btn-outline-primary" data-testid="slot" href="{}">{}</a>'


@require_perm("appointments.book")
def book(request: HttpRequest) -> HttpResponse:
    """Free times over the booking horizon, by counselor or any counselor.

    A student who holds as many upcoming appointments as the rules allow sees those instead: the
    counselor filter and the free times are then neither built nor read.
    """
    rules = office_rules()  # for showing; booking a time reads them again (booking.book)
    user, now = request.user, timezone.now()
    upcoming = prepared.rows(
        "appointments.book.upcoming",
        lambda user, now: Appointment.objects.visible_to(user)
        .upcoming(now)
        .values_list("pk", "starts_at", "counselor__name", "counselor__username")[:10],
        shape=(Appointment.objects.scope_of(user),),
        user=user,
        now=now,
    )
    limit_reached = len(upcoming) >= rules.max_upcoming_per_student
    context = {"rules": rules, "limit_reached": limit_reached}
    if limit_reached:
        context["upcoming"] = [
            {
                "url": reverse("appointments:detail", args=[pk]),
                "when": date_format(timezone.localtime(starts_at), "SHORT_DATETIME_FORMAT"),
                "counselor": name or username,
            }
            for pk, starts_at, name, username in upcoming
        ]
        return render(request, "appointments/student/book.html", context)
    form = CounselorFilterForm(request.GET or None, counselor_choices=_counselors_with_hours())
    counselor_id = form.selected()
    counselor_param = str(counselor_id) if counselor_id else "any"
    today = timezone.localdate()
    last = today + datetime.timedelta(days=rules.booking_horizon_days)
    counselor_ids = [counselor_id] if counselor_id else None
    # The opening hours from the shared cache; who is booked is read now, and booking a time checks
    # it again in the database (booking.check_slot).
    office, _closures = window_hours(today, last, counselor_ids)
    slots = free_slots(
        today,
        last,
        counselor_ids=counselor_ids,
        not_before=now + datetime.timedelta(hours=rules.booking_cutoff_hours),
        student_id=user.pk,
        office=office,
    )
    days = group_by_day(slots if counselor_id else merge_any_counselor(slots))
    context.update(filter_form=_filter_form_html(form), days=_day_rows(days, counselor_param))
    return render(request, "appointments/student/book.html", context)


def _chosen_counselor(text: str | None):
    """The counselor named in the query string; None for "any"; False when unreadable."""
    if not text or text == "any":
        return None
    if not text.isdecimal() or len(text) > 12:
        return False
    return counselors().filter(pk=int(text)).first() or False


@require_perm("appointments.book")
def book_confirm(request: HttpRequest) -> HttpResponse:
    """Confirm one free time: how to meet and (optionally) what it is about, then book."""
    starts_at = parse_slot_key(request.GET.get("start"))
    counselor = _chosen_counselor(request.GET.get("counselor"))
    if starts_at is None or counselor is False:
        messages.error(request, _("Choose one of the free times."))
        return redirect("appointments:book")
    form = BookForm(request.POST or None)
    context = {"form": form, "starts_at": starts_at, "counselor": counselor, "rules": OfficeRules.load()}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "appointments/student/book_confirm.html", context, status=400)
        try:
            appointment = booking.book(
                request.user,
                counselor=counselor or None,
                starts_at=starts_at,
                channel=form.cleaned_data["channel"],
                topic=form.cleaned_data["topic"],
                request=request,
            )
        except SlotTakenError as exc:
            context["error"] = exc.message
            return render(request, "appointments/student/book_confirm.html", context, status=409)
        except BookingError as exc:
            context["error"] = exc.message
            return render(request, "appointments/student/book_confirm.html", context, status=400)
        if appointment.status == AppointmentStatus.REQUESTED:
            messages.success(request, _("Your request is sent. The counselor will confirm it soon."))
        else:
            messages.success(request, _("Your appointment is booked."))
        return redirect("appointments:detail", pk=appointment.pk)
    return render(request, "appointments/student/book_confirm.html", context)


@require_perm("appointments.book")
def waitlist_join(request: HttpRequest) -> HttpResponse:
    form = WaitlistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            waitlist.join(
                request.user,
                counselor=form.cleaned_data["counselor"],
                time_of_day=form.cleaned_data["time_of_day"],
                channel=form.cleaned_data["channel"],
            )
        except BookingError as exc:
            messages.error(request, exc.message)
            return render(request, "appointments/student/waitlist.html", {"form": form}, status=400)
        messages.success(request, _("You are on the waitlist. We will tell you when a time frees up."))
        return redirect("appointments:mine")
    status = 400 if request.method == "POST" else 200
    return render(request, "appointments/student/waitlist.html", {"form": form}, status=status)


@require_perm("appointments.book")
@require_POST
def waitlist_leave(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(WaitlistEntry.objects.filter(student=request.user), pk=pk)
    try:
        waitlist.leave(entry)
    except BookingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You left the waitlist."))
    return redirect("appointments:mine")


def _own_offer(request: HttpRequest, pk: int) -> WaitlistOffer:
    return get_object_or_404(
        WaitlistOffer.objects.filter(entry__student=request.user).select_related("entry__student", "counselor"), pk=pk
    )


@require_perm("appointments.book")
@require_POST
def offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _own_offer(request, pk)
    try:
        appointment = booking.accept_offer(offer, request=request)
    except BookingError as exc:
        messages.error(request, exc.message)
        return redirect("appointments:mine")
    messages.success(request, _("Your appointment is booked."))
    return redirect(reverse("appointments:detail", args=[appointment.pk]))


@require_perm("appointments.book")
@require_POST
def offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _own_offer(request, pk)
    if offer.status != OfferStatus.OPEN:
        messages.error(request, _("This offer is no longer open."))
        return redirect("appointments:mine")
    try:
        waitlist.decline(offer)
    except BookingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you. You stay on the waitlist."))
    return redirect("appointments:mine")
