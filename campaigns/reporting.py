"""Aggregate numbers about campaigns for the term reports (SQL aggregates only; no names, no content)."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q, Sum

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign, ContestAward, Entry, Event, Registration, ReportSubmission


def summary(start: datetime.date, end: datetime.date) -> dict:
    """Campaigns that overlap [start, end] and what happened in them.

    Returns ``campaigns`` (total and by kind), ``events`` (total and by type, for events that start
    in the period), ``registrations`` (total, unique students), ``entries`` (total, classes taking
    part), ``reports`` (received), and ``class_points``: one row per class with its points.
    """
    campaigns = Campaign.objects.public().overlapping(start, end)
    events = Event.objects.public().filter(starts_at__date__gte=start, starts_at__date__lte=end)
    registrations = Registration.objects.filter(event__in=events)
    entries = Entry.objects.filter(contest__campaign__in=campaigns)
    points = (
        ContestAward.objects.filter(contest__campaign__in=campaigns)
        .values(
            grade=F("school_class__grade__name"),
            level=F("school_class__grade__level"),
            number=F("school_class__number"),
        )
        .annotate(points=Sum("points"), awards=Count("pk"))
        .order_by("-points", "level", "number")
    )
    return {
        "campaigns": campaigns.aggregate(
            total=Count("pk"), summarised=Count("pk", filter=Q(status=CampaignStatus.SUMMARISED))
        ),
        "campaigns_by_kind": dict(campaigns.values_list("kind").annotate(n=Count("pk")).order_by("kind")),
        "events": events.aggregate(
            total=Count("pk"), with_registration=Count("pk", filter=Q(registration_required=True))
        ),
        "events_by_kind": dict(events.values_list("kind").annotate(n=Count("pk")).order_by("kind")),
        "registrations": registrations.aggregate(total=Count("pk"), students=Count("student", distinct=True)),
        "entries": entries.aggregate(total=Count("pk"), classes=Count("school_class", distinct=True)),
        "reports": ReportSubmission.objects.filter(report__campaign__in=campaigns).aggregate(received=Count("pk")),
        "class_points": [
            {"grade": row["grade"], "class_number": row["number"], "points": row["points"], "awards": row["awards"]}
            for row in points
        ],
    }
