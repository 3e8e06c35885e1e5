"""Aggregate numbers of the case records for a period, for the end-of-term report.

Everything is computed by the database (aggregate / values + Count); no row is read into Python
and no name or content leaves this module: counselors are keyed by their user id.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Sum

from counseling.cases.models import Case, Escalation, Referral, SessionNote


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
    """The case records' numbers for ``start``..``end`` (both days included)."""
    opened = Case.objects.filter(opened_at__date__range=(start, end))
    referrals = Referral.objects.filter(referred_on__range=(start, end))
    escalations = Escalation.objects.filter(raised_at__date__range=(start, end))
    acknowledged = escalations.filter(acknowledged_at__isnull=False).annotate(
        ack=ExpressionWrapper(F("acknowledged_at") - F("raised_at"), output_field=DurationField())
    )
    notes = SessionNote.objects.filter(held_on__range=(start, end))
    note_totals = notes.aggregate(
        n=Count("id"), minutes=Sum("duration_minutes"), students=Count("case__student", distinct=True)
    )
    return {
        "cases_opened": opened.count(),
        "cases_closed": Case.objects.filter(closed_at__date__range=(start, end)).count(),
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
