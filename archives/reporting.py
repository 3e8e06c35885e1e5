"""Aggregate figures of the archives app for the end-of-term reports (see the contracts).

Every number comes from SQL aggregates; nothing here names a student or carries content.
``section`` presents the stored numbers in the report, with small-cell suppression
(``counseling.services.aggregates``).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.models import (
    FocusEntry,
    Instrument,
    Invitation,
    InvitationStatus,
    ReportingWindow,
    Result,
    Screening,
    ScreeningWarning,
    WarningStatus,
)
from archives.services import visits
from counseling.models import SchoolClass, StudentProfile
from counseling.services.sections import Section, Table, breakdown, choice_label, figures


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware datetimes from the start of ``start`` to the end of ``end`` (local time)."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    )


def summary(start: datetime.date, end: datetime.date) -> dict:
    """Screening coverage, band distribution per instrument, warnings by outcome and focus-list movement.

    - ``screenings``: published screenings whose window overlaps the period, with invited and
      answered counts, and the totals over them (``coverage``).
    - ``students_by_band``: per instrument code, {band code: number of students}, each student
      counted once, by their latest named result of the instrument in the period (a student who
      answered two screenings is one student, in the band of the later answer). Anonymous
      answers name nobody, so they cannot be counted as students and are left out. Versions
      built before December 2026 hold ``bands`` instead: answer sheets, not students.
    - ``warnings``: raised in the period, by status (open, contacted, case_opened, dismissed),
      and how many were critical.
    - ``focus``: entries added and removed in the period, and active at its end.
    """
    since, until = _bounds(start, end)
    screenings = list(
        Screening.objects.published()
        .filter(opens_at__lt=until, closes_at__gte=since)
        .annotate(
            invited=Count("invitations", distinct=True),
            answered=Count("invitations", filter=Q(invitations__status=InvitationStatus.SUBMITTED), distinct=True),
        )
        .values("id", "title", "opens_at", "closes_at", "is_anonymous", "invited", "answered")
        .order_by("opens_at")
    )
    coverage = Invitation.objects.filter(screening_id__in=[s["id"] for s in screenings]).aggregate(
        invited=Count("id"),
        answered=Count("id", filter=Q(status=InvitationStatus.SUBMITTED)),
        students_invited=Count("student", distinct=True),
        students_answered=Count("student", filter=Q(status=InvitationStatus.SUBMITTED), distinct=True),
    )
    in_period = Result.objects.filter(submitted_at__gte=since, submitted_at__lt=until, student__isnull=False)
    latest = in_period.filter(student=OuterRef("student"), instrument=OuterRef("instrument")).order_by(
        "-submitted_at", "-id"
    )
    students_by_band: dict[str, dict[str, int]] = {}
    for row in (
        in_period.filter(pk=Subquery(latest.values("pk")[:1]))
        .exclude(band="")
        .values("instrument__code", "band")
        .annotate(n=Count("student", distinct=True))
        .order_by("instrument__code", "band_level")
    ):
        students_by_band.setdefault(row["instrument__code"], {})[row["band"]] = row["n"]
    raised = ScreeningWarning.objects.filter(created_at__gte=since, created_at__lt=until)
    by_status = dict(raised.values_list("status").annotate(n=Count("id")).order_by())
    warnings = {
        "raised": sum(by_status.values()),
        "critical": raised.filter(is_critical=True).count(),
        **{status: by_status.get(status, 0) for status in WarningStatus.values},
    }
    focus = FocusEntry.objects.aggregate(
        added=Count("id", filter=Q(started_at__gte=since, started_at__lt=until)),
        removed=Count("id", filter=Q(ended_at__gte=since, ended_at__lt=until)),
        active_at_end=Count("id", filter=Q(started_at__lt=until) & (Q(ended_at__isnull=True) | Q(ended_at__gte=until))),
    )
    return {
        "screenings": screenings,
        "coverage": coverage,
        "students_by_band": students_by_band,
        "warnings": warnings,
        "focus": focus,
        "home_visits": home_visit_summary(end),
    }


def home_visit_summary(end: datetime.date) -> dict:
    """Home-visit coverage of the school year that holds ``end``, up to ``end``: per active class
    (grade name, class number, current pupils, of them visited at least once), and the totals.
    Counts only; the classes are a list (not a mapping) so their order survives PostgreSQL's jsonb."""
    year = visits.school_year_of(end)
    rows = visits.coverage(SchoolClass.objects.active().select_related("grade"), year=year, until=end)
    return {
        "school_year": year.year,
        "classes": [[r["school_class"].grade.name, r["school_class"].number, r["pupils"], r["visited"]] for r in rows],
        "pupils": sum(r["pupils"] for r in rows),
        "visited": sum(r["visited"] for r in rows),
    }


def section(current: dict, previous: dict | None) -> Section:
    """The report's section on screenings, warnings and the focus list, from the stored ``summary`` of this term and the previous one.

    Every count is a cell of the section's sheet: students who answered are at most those
    invited, critical warnings at most those raised, warnings by outcome add up to those raised,
    each screening's answers are at most its invitations, and its coverage is a share shown only
    when both its counts are.
    """
    section = Section("archives", _("Screenings, early warning, the focus list and home visits"))
    coverage, warnings, focus = current.get("coverage", {}), current.get("warnings", {}), current.get("focus", {})
    prev_coverage = previous.get("coverage", {}) if previous else None
    prev_warnings = previous.get("warnings", {}) if previous else None
    prev_focus = previous.get("focus", {}) if previous else None
    section.figures = (
        figures(
            section,
            coverage,
            prev_coverage,
            [
                ("students_invited", _("Students invited to a screening")),
                ("students_answered", _("Students who answered")),
            ],
        )
        + figures(
            section,
            warnings,
            prev_warnings,
            [("raised", _("Early warnings raised")), ("critical", _("of which critical answers"))],
        )
        + figures(
            section,
            focus,
            prev_focus,
            [
                ("added", _("Added to the focus list")),
                ("removed", _("Taken off the focus list")),
                ("active_at_end", _("On the focus list at the end of the term")),
            ],
        )
    )
    section.at_most("students_invited", ["students_answered"])
    section.at_most("raised", ["critical"])
    screenings = current.get("screenings") or []
    if screenings:
        rows = []
        sheet = section.sheet
        for index, screening in enumerate(screenings):
            invited, answered = screening.get("invited", 0), screening.get("answered", 0)
            invited_key, answered_key = (
                section.cell(f"screening:{index}:invited"),
                section.cell(f"screening:{index}:answered"),
            )
            invited_ref, answered_ref = sheet.count(invited_key, invited), sheet.count(answered_key, answered)
            sheet.at_most(invited_key, [answered_key])
            rate = f"{round(100 * answered / invited)}%" if invited else "—"
            rows.append(
                [
                    screening.get("title", ""),
                    invited_ref,
                    answered_ref,
                    sheet.derived(section.cell(f"screening:{index}:rate"), rate, [invited_key, answered_key]),
                ]
            )
        section.tables.append(
            Table(
                "screenings",
                _("Screening coverage"),
                [_("Screening"), _("Invited"), _("Answered"), _("Coverage")],
                rows,
            )
        )
    # Older versions counted answer sheets ("bands"); they say so, rather than pass for students.
    key = "students_by_band" if "students_by_band" in current else "bands"
    title = (
        _("Students by their latest result: %(instrument)s")
        if key == "students_by_band"
        else _("Answer sheets by result: %(instrument)s")
    )
    note = (
        _("Each student is counted once, by their latest named result this term; anonymous answers are not included.")
        if key == "students_by_band"
        else _("Counts answer sheets: a student who answered twice is counted twice.")
    )
    counted = current.get(key) or {}
    instruments = {i.code: i for i in Instrument.objects.filter(code__in=list(counted))}
    for code, bands in counted.items():
        instrument = instruments.get(code)
        table = breakdown(
            section,
            f"{key}_{code}",
            title % {"instrument": instrument.short_name if instrument else code},
            bands,
            (previous.get(key, {}) or {}).get(code) if previous else None,
            (lambda band, i=instrument: i.band_label(band) or band) if instrument else str,
            order=[band["code"] for band in instrument.bands] if instrument else None,
        )
        if table:
            table.note = note
            section.tables.append(table)
    _home_visits(section, current.get("home_visits"), previous.get("home_visits") if previous else None)
    handled = {status: warnings.get(status, 0) for status in WarningStatus.values}
    table = breakdown(
        section,
        "warnings_by_outcome",
        _("Early warnings by outcome"),
        handled,
        {status: (prev_warnings or {}).get(status, 0) for status in WarningStatus.values} if previous else None,
        choice_label(WarningStatus),
        order=WarningStatus.values,
        total="raised",
    )
    # Listed whether or not any warning was raised: a table that appears only then would say so.
    if table:
        section.tables.append(table)
    return section


def _home_visits(section: Section, current: dict | None, previous: dict | None) -> None:
    """Home-visit coverage: two figures and a table by class, counts only (versions stored before
    home visits existed have none, and show none)."""
    if not current:
        return
    section.figures += figures(
        section,
        current,
        previous,
        [("pupils", _("Pupils (home visits)")), ("visited", _("Pupils visited at home this school year"))],
    )
    section.at_most("pupils", ["visited"])
    classes = current.get("classes") or []
    if not classes:
        return
    sheet = section.sheet
    rows = []
    for index, (grade_name, number, pupils, visited) in enumerate(classes):
        pupils_key, visited_key = section.cell(f"visits:{index}:pupils"), section.cell(f"visits:{index}:visited")
        pupils_ref, visited_ref = sheet.count(pupils_key, pupils), sheet.count(visited_key, visited)
        sheet.at_most(pupils_key, [visited_key])
        rate = f"{round(100 * visited / pupils)}%" if pupils else "—"
        rows.append(
            [
                SchoolClass.label(grade_name, number),
                pupils_ref,
                visited_ref,
                sheet.derived(section.cell(f"visits:{index}:rate"), rate, [pupils_key, visited_key]),
            ]
        )
    sheet.total(section.cell("pupils"), [section.cell(f"visits:{i}:pupils") for i in range(len(classes))])
    sheet.total(section.cell("visited"), [section.cell(f"visits:{i}:visited") for i in range(len(classes))])
    section.tables.append(
        Table(
            "home_visits",
            _("Home-visit coverage by class"),
            [_("Class"), _("Pupils"), _("Visited at least once"), _("Coverage")],
            rows,
            note=_("Pupils now in each class visited at least once this school year, up to the end of the term."),
        )
    )


def district_figures(start: datetime.date, end: datetime.date) -> dict:
    """The school's counts the district office compares across schools (issue 19), in four queries
    whatever the school's size: ``enrolled`` (active students now), ``screened`` (students whose
    answers to a screening were submitted in the period), ``zero_expected`` (reporting windows
    overlapping the period times the active classes) and ``zero_reported`` (reports filed in them).
    """
    since, until = _bounds(start, end)
    enrolled = StudentProfile.objects.active().count()
    screened = Invitation.objects.filter(
        status=InvitationStatus.SUBMITTED, submitted_at__gte=since, submitted_at__lt=until
    ).aggregate(n=Count("student", distinct=True))["n"]
    windows = ReportingWindow.objects.filter(opens_on__lte=end, closes_on__gte=start)
    zero = windows.aggregate(windows=Count("id", distinct=True), reported=Count("reports", distinct=True))
    classes = SchoolClass.objects.active().count()
    return {
        "enrolled": enrolled,
        "screened": screened,
        "zero_expected": zero["windows"] * classes,
        "zero_reported": zero["reported"],
    }


def district_screening_figures(template_id: int) -> dict | None:
    """Counts of this school's run of a district screening, or None when it has not made one.

    ``phase`` (draft, scheduled, open, closed), ``invited``, ``answered`` and ``bands``: [band
    code, answer sheets in it] in the instrument's band order, every band listed (zeros too).
    Never an answer or a name. Three queries.
    """
    screening = Screening.objects.filter(district_template=template_id).first()
    if screening is None:
        return None
    counts = screening.invitations.aggregate(
        invited=Count("id"), answered=Count("id", filter=Q(status=InvitationStatus.SUBMITTED))
    )
    by_band = dict(Result.objects.filter(screening=screening).values_list("band").annotate(n=Count("id")).order_by())
    part = screening.parts.select_related("instrument").first()
    codes = [band["code"] for band in part.instrument.bands] if part else []
    return {
        "phase": screening.phase,
        "invited": counts["invited"] if screening.is_published else 0,
        "answered": counts["answered"],
        "bands": [[code, by_band.get(code, 0)] for code in codes],
    }
