"""The zero report (心理问题零报告): windows, filing, and who has not filed."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from archives.models import ReportingWindow, ZeroReport
from counseling.models import SchoolClass, Term
from counseling.models.audit import AuditAction
from counseling.services.audit import record
from counseling.services.messages import Msg
from counseling.services.notify import Kind, notify

from .signals import signal_zero_report


class ZeroReportError(Exception):
    """Message for the user."""


def open_window(
    *, title: str, opens_on: datetime.date, closes_on: datetime.date, by, request: HttpRequest | None = None
) -> ReportingWindow:
    """Create a reporting window. Side effects: the row; an audit entry. Class teachers see it on
    their home page from ``opens_on``; the reminder task tells those who have not filed."""
    if closes_on < opens_on:
        raise ZeroReportError(_("The window must close on or after the day it opens."))
    with transaction.atomic():
        window = ReportingWindow.objects.create(
            title=title, opens_on=opens_on, closes_on=closes_on, created_by=by, term=Term.objects.current()
        )
        record(by, AuditAction.CREATE, window, request=request)
    return window


def file_report(
    window: ReportingWindow,
    school_class: SchoolClass,
    *,
    by,
    nothing_to_report: bool,
    incident_count: int,
    incidents: str,
    request: HttpRequest | None = None,
) -> tuple[ZeroReport, bool]:
    """File (or, while the window is open, correct) a class's report. Returns (report, created).

    Either nothing to report, or incidents with a description. Side effects, in one transaction:
    the report row (one per class and window; the description encrypted); an audit entry; for a
    report with incidents, an urgent risk signal about the class (``signals.signal_zero_report``:
    the head counselor is told, without the description; once per report).
    """
    if not window.is_open():
        raise ZeroReportError(_("This reporting window is closed."))
    if nothing_to_report and (incident_count or incidents.strip()):
        raise ZeroReportError(_("Either tick “nothing to report” or describe the incidents, not both."))
    if not nothing_to_report and not (incident_count and incidents.strip()):
        raise ZeroReportError(
            _("Describe the incidents and how many students they concern, or tick “nothing to report”.")
        )
    values = {
        "filed_by": by,
        "filed_at": timezone.now(),
        "nothing_to_report": nothing_to_report,
        "incident_count": 0 if nothing_to_report else incident_count,
        "incidents": "" if nothing_to_report else incidents.strip(),
    }
    try:
        with transaction.atomic():
            report, created = ZeroReport.objects.update_or_create(
                window=window, school_class=school_class, defaults=values
            )
            record(by, AuditAction.CREATE if created else AuditAction.CHANGE, report, request=request)
            signal_zero_report(report, by=by, request=request)
    except IntegrityError:
        # Two submissions at once: the other one created the row; file again as a correction.
        return file_report(
            window,
            school_class,
            by=by,
            nothing_to_report=nothing_to_report,
            incident_count=incident_count,
            incidents=incidents,
            request=request,
        )
    return report, created


def expected_classes():
    """The classes that must report: active classes with a class teacher."""
    return SchoolClass.objects.active().filter(class_teacher__isnull=False).select_related("grade", "class_teacher")


def class_status(window: ReportingWindow) -> list[tuple[SchoolClass, ZeroReport | None]]:
    """Every expected class with its report (or None), in two queries."""
    reports = {report.school_class_id: report for report in window.reports.select_related("filed_by")}
    return [(school_class, reports.get(school_class.pk)) for school_class in expected_classes()]


def remind_unfiled(window: ReportingWindow, day: datetime.date | None = None) -> int:
    """On a window's last day, remind each class teacher who has not filed (once, keyed). Returns how many."""
    day = day or timezone.localdate()
    if day != window.closes_on:
        return 0
    filed = set(window.reports.values_list("school_class_id", flat=True))
    sent = 0
    for school_class in expected_classes():
        if school_class.pk in filed:
            continue
        title = Msg(
            gettext_noop("Please file the zero report “%(title)s” for %(class)s today"),
            title=window.title,
            **{"class": school_class},
        )
        sent += notify(
            school_class.class_teacher,
            key=f"archives:zero:{window.pk}:remind:{school_class.pk}",
            kind=Kind.TASK,
            title=title,
            url=reverse("archives:zero_mine"),
        )
    return sent
