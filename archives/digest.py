"""The ``digest`` hook (docs/architecture.md): lines of the daily digest for one user, names and times only, never content."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_noop

from archives.access import visit_classes_for
from archives.models import ReportingWindow, ScreeningWarning, ZeroReport
from archives.models.warnings import OVERDUE_AFTER
from archives.services import visits
from counseling.services.messages import Joined, Msg


def items_for(user, day: datetime.date) -> list[Msg | Joined]:
    """Counseling staff: their open screening warnings (the head: all). Class teachers: zero
    reports still to file for windows open on ``day``, and from the second semester on, how many
    pupils of each class have not been visited at home this school year (a count, no names: the
    class's home-visit page lists them)."""
    lines: list[Msg | Joined] = []
    if user.has_perm("archives.handle_warnings"):
        cutoff = datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())
        warnings = (
            ScreeningWarning.objects.visible_to(user)
            .open()
            .select_related("student")
            .order_by("-is_critical", "created_at")[:20]
        )
        for warning in warnings:
            line = Msg(
                gettext_noop("Open screening warning: %(student)s, raised %(time)s"),
                student=warning.student.get_full_name(),
                time=warning.created_at,
            )
            if warning.created_at < cutoff + datetime.timedelta(days=1) - OVERDUE_AFTER:
                line = Joined([line, Msg(gettext_noop("(open more than two days)"))], " ")
            lines.append(line)
    if user.has_perm("archives.file_zero_report"):
        classes = list(user.taught_classes.filter(is_archived=False))
        for window in ReportingWindow.objects.open_on(day).order_by("closes_on"):
            filed = set(
                ZeroReport.objects.filter(window=window, school_class__in=classes).values_list(
                    "school_class_id", flat=True
                )
            )
            for school_class in classes:
                if school_class.pk not in filed:
                    lines.append(
                        Msg(
                            gettext_noop("Zero report “%(title)s” for %(class)s due by %(day)s"),
                            title=window.title,
                            day=window.closes_on,
                            **{"class": school_class},
                        )
                    )
    if user.has_perm("archives.record_home_visits"):
        lines += _home_visit_lines(user, day)
    return lines


def _home_visit_lines(user, day: datetime.date) -> list[Msg | Joined]:
    year = visits.school_year_of(day)
    if day < visits.reminders_from(year):
        return []
    lines: list[Msg | Joined] = []
    for row in visits.coverage(visit_classes_for(user), year=year, until=day):
        missing = row["pupils"] - row["visited"]
        if missing > 0:
            lines.append(
                Msg.ngettext(
                    "%(count)d pupil of %(class)s not yet visited at home this school year",
                    "%(count)d pupils of %(class)s not yet visited at home this school year",
                    count=missing,
                    **{"class": row["school_class"]},
                )
            )
    return lines
