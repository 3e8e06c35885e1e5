"""The office's public page: opening hours and place, for anyone (no sign-in)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from appointments.enums import Weekday
from appointments.models import ClosedDay, ExtraSession, OfficeRules, WeeklySchedule
from counseling.enums import Channel
from counseling.models import Term


def office(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    term = Term.objects.filter(start__lte=today, end__gte=today).first() or Term.objects.current()
    schedules = (
        WeeklySchedule.objects.filter(term=term, reserved_for_key_students=False).select_related("counselor")
        if term
        else WeeklySchedule.objects.none()
    )
    by_day = defaultdict(list)
    for schedule in schedules:
        by_day[schedule.weekday].append(schedule)
    soon = today + datetime.timedelta(days=30)
    context = {
        "rules": OfficeRules.load(),
        "term": term,
        "week": [(Weekday(day).label, by_day[day]) for day in Weekday.values if by_day[day]],
        "closed": ClosedDay.objects.filter(end_date__gte=today, start_date__lte=soon, counselor__isnull=True),
        "extras": ExtraSession.objects.filter(date__gte=today, date__lte=soon, reserved_for_key_students=False)
        .select_related("counselor")
        .order_by("date", "start_time"),
        "channels": Channel.choices,
    }
    return render(request, "appointments/public/office.html", context)
