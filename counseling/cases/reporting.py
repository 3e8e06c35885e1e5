"""Aggregate numbers of the case records for a period, for the end-of-term report.

Everything is computed by the database (aggregate / values + Count); no row is read into Python
and no name or content leaves this module: counselors are keyed by their user id. ``section``
presents the stored numbers in the report.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Sum
from django.utils.translation import gettext as _

from counseling.cases.enums import CaseSource, ReferralStatus, RiskLevel
from counseling.cases.models import Case, Escalation, Referral, SessionNote
from counseling.enums import Channel, ClientKind
from counseling.models import ConcernCategory
from counseling.services.sections import Section, breakdown, choice_label, figures, measure


def _counts(queryset, field: str) -> dict:
    return {
        row[field]: row["n"] for row in queryset.values(field).annotate(n=Count("id", distinct=True)).order_by(field)
    }


def _minutes(delta: datetime.timedelta | None) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 60, 1)


def _median_ack(escalations) -> datetime.timedelta | None:
    """The median time to acknowledge, read as the middle row(s) of the sorted durations."""
    ordered = escalations.order_by("ack")
    total = ordered.count()
    if not total:
        return None
    low, high = (total - 1) // 2, total // 2
    values = list(ordered.values_list("ack", flat=True)[low : high + 1])
    return sum(values, datetime.timedelta()) / len(values)


def summary(start: datetime.date, end: datetime.date) -> dict:
    """The case records' numbers for ``start``..``end`` (both days included).

    Students' cases only: the report and the statistics are read by the school leaders, and a
    teacher's case is never counted where they read (a school has few of them; a count of one
    names a colleague). The people served by kind come from the appointments' section.
    """
    students = ClientKind.STUDENT
    opened = Case.objects.of_students().filter(opened_at__date__range=(start, end))
    referrals = Referral.objects.filter(referred_on__range=(start, end), case__client_kind=students)
    escalations = Escalation.objects.filter(raised_at__date__range=(start, end), client_kind=students)
    acknowledged = escalations.filter(acknowledged_at__isnull=False).annotate(
        ack=ExpressionWrapper(F("acknowledged_at") - F("raised_at"), output_field=DurationField())
    )
    notes = SessionNote.objects.filter(held_on__range=(start, end), case__client_kind=students)
    note_totals = notes.aggregate(
        n=Count("id"), minutes=Sum("duration_minutes"), students=Count("case__student", distinct=True)
    )
    return {
        "cases_opened": opened.count(),
        "cases_closed": Case.objects.of_students().filter(closed_at__date__range=(start, end)).count(),
        "cases_by_source": _counts(opened, "source"),
        "cases_by_category": {
            row["categories__code"]: row["n"]
            for row in opened.filter(categories__isnull=False)
            .values("categories__code")
            .annotate(n=Count("id", distinct=True))
            .order_by("categories__code")
        },
        "cases_by_risk": _counts(opened, "risk_level"),
        "referrals": referrals.count(),
        "referrals_by_status": _counts(referrals, "status"),
        "crises": escalations.count(),
        "crisis_events": escalations.filter(is_crisis_event=True).count(),
        "crises_unacknowledged": escalations.filter(acknowledged_at__isnull=True).count(),
        "ack_minutes_median": _minutes(_median_ack(acknowledged)),
        "ack_minutes_max": _minutes(acknowledged.aggregate(longest=Max("ack"))["longest"]),
        "notes": note_totals["n"],
        "session_minutes": note_totals["minutes"] or 0,
        "students_seen": note_totals["students"],
        "notes_by_channel": _counts(notes, "channel"),
        "notes_by_counselor": {
            row["author_id"]: row["n"]
            for row in notes.values("author_id").annotate(n=Count("id")).order_by("author_id")
        },
        "notes_unsigned": notes.filter(signed_at__isnull=True).count(),
    }


def section(current: dict, previous: dict | None) -> Section:
    """The report's section on case work, from the stored ``summary`` of this term and the previous one.

    Every count is a cell of the section's sheet, with what a reader can add up: cases by source
    and by risk add up to the cases opened, referrals by state to the referrals, notes by
    channel to the notes; a case may have several categories, so each category is at most the
    cases opened. The times to acknowledge are shown only where the number of crises is.
    """
    section = Section("cases", _("Case work, referrals and crises"))
    section.figures = figures(
        section,
        current,
        previous,
        [
            ("cases_opened", _("Cases opened")),
            ("cases_closed", _("Cases closed")),
            ("students_seen", _("Students with session notes")),
            ("notes", _("Session notes written")),
            ("notes_unsigned", _("Session notes still unsigned")),
            ("referrals", _("Referrals to outside services")),
            ("crises", _("Crisis escalations")),
            ("crisis_events", _("of which crisis events")),
            ("crises_unacknowledged", _("Escalations never acknowledged")),
        ],
    )
    section.at_most("notes", ["students_seen"])
    section.at_most("notes", ["notes_unsigned"])
    section.at_most("crises", ["crisis_events"])
    section.at_most("crises", ["crises_unacknowledged"])
    for key, label, needs in [
        ("session_minutes", _("Minutes of counseling recorded"), ["notes"]),
        ("ack_minutes_median", _("Minutes to acknowledge (median)"), ["crises", "crises_unacknowledged"]),
        ("ack_minutes_max", _("Minutes to acknowledge (longest)"), ["crises", "crises_unacknowledged"]),
    ]:
        figure = measure(section, key, label, current, previous, needs)
        if figure:
            section.figures.append(figure)
    # The categories in the school's own order (the model's ordering), as the forms list them.
    categories = {c.code: str(c) for c in ConcernCategory.objects.all()}
    tables = [
        breakdown(
            section,
            "cases_by_source",
            _("Cases by source"),
            current.get("cases_by_source", {}),
            previous.get("cases_by_source") if previous else None,
            choice_label(CaseSource),
            order=CaseSource.values,
            total="cases_opened",
        ),
        breakdown(
            section,
            "cases_by_category",
            _("Cases by concern category"),
            current.get("cases_by_category", {}),
            previous.get("cases_by_category") if previous else None,
            lambda code: categories.get(code, code),
            order=categories,
            each_at_most="cases_opened",
        ),
        breakdown(
            section,
            "cases_by_risk",
            _("Cases by risk level"),
            current.get("cases_by_risk", {}),
            previous.get("cases_by_risk") if previous else None,
            choice_label(RiskLevel),
            order=RiskLevel.values,
            total="cases_opened",
        ),
        breakdown(
            section,
            "referrals_by_status",
            _("Referrals by state"),
            current.get("referrals_by_status", {}),
            previous.get("referrals_by_status") if previous else None,
            choice_label(ReferralStatus),
            chart=False,
            order=ReferralStatus.values,
            total="referrals",
        ),
        breakdown(
            section,
            "notes_by_channel",
            _("Session notes by channel"),
            current.get("notes_by_channel", {}),
            previous.get("notes_by_channel") if previous else None,
            choice_label(Channel),
            order=Channel.values,
            total="notes",
        ),
    ]
    section.tables = [table for table in tables if table]
    return section


def district_figures(start: datetime.date, end: datetime.date) -> dict:
    """``crises``: students' escalations raised from ``start`` to ``end`` (one query), for the district
    office; counted as the semester summary counts them (a teacher's crisis is never counted)."""
    return {
        "crises": Escalation.objects.filter(raised_at__date__range=(start, end), client_kind=ClientKind.STUDENT).count()
    }
