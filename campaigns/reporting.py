"""Aggregate numbers about campaigns for the term reports (SQL aggregates only; no names, no content).

``section`` presents the stored numbers in the report.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.enums import PARENT_KINDS, Award, CampaignKind, CampaignStatus, EventKind
from campaigns.models import Campaign, ContestAward, Entry, Event, FamilyRegistration, Registration, ReportSubmission
from counseling.services.sections import Section, Table, breakdown, choice_label


def summary(start: datetime.date, end: datetime.date) -> dict:
    """Campaigns that overlap [start, end] and what happened in them.

    Returns ``campaigns`` (total and by kind), ``events`` (total and by type, for events that start
    in the period), ``registrations`` (total, unique students), ``entries`` (total, classes taking
    part), ``reports`` (received), and ``class_points``: one row per class with its points and its
    prizes (first, second and third; participation awards are not prizes).
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
        # Prizes only: a participation award (参与奖) goes to every class that took part.
        .annotate(points=Sum("points"), awards=Count("pk", filter=~Q(award=Award.PARTICIPATION)))
        .order_by("-points", "level", "number")
    )
    return {
        **_families(events, end),
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


def _families(events, end: datetime.date) -> dict:
    """Parent classes and meetings held in the period, and the families they reached.

    ``parent_events``: sessions held (started in the period and over by now; the events table
    splits all events by kind already).
    ``families``: distinct children whose family came (a registration marked attended) to any of
    them, with ``families_by_grade`` and ``families_by_class`` as lists of [name, count] pairs in
    the school's order (a child counts once per term, in their class).
    """
    held = events.filter(kind__in=PARENT_KINDS, ends_at__lte=timezone.now())
    # A child is in one class, so counting distinct children per class gives the grades' and the
    # whole's figures by adding up (two queries in all).
    by_class = list(
        FamilyRegistration.objects.filter(event__in=held, attended_at__isnull=False)
        .values(
            grade=F("student__student_profile__school_class__grade__name"),
            level=F("student__student_profile__school_class__grade__level"),
            number=F("student__student_profile__school_class__number"),
        )
        .annotate(n=Count("student", distinct=True))
        .order_by("level", "number")
    )
    by_grade: dict = {}
    for row in by_class:
        by_grade[row["grade"]] = by_grade.get(row["grade"], 0) + row["n"]
    return {
        "parent_events": {"held": held.count()},
        "families": {"reached": sum(row["n"] for row in by_class)},
        "families_by_grade": [[grade, n] for grade, n in by_grade.items()],
        # [grade name, class number, count]: the class's label is put together in the reader's language.
        "families_by_class": [[row["grade"], row["number"], row["n"]] for row in by_class],
    }


def section(current: dict, previous: dict | None) -> Section:
    """The report's section on campaigns, from the stored ``summary`` of this term and the previous one."""
    section = Section("campaigns", _("Awareness campaigns"))

    def nested(part: str, key: str) -> tuple[object, object]:
        return (current.get(part) or {}).get(key), ((previous or {}).get(part) or {}).get(key) if previous else None

    # Registrations count students: they go into the sheet; campaigns, events and class entries
    # count no person and are shown as they are.
    people = {("registrations", "total"), ("registrations", "students"), ("families", "reached")}
    for part, key, label in [
        ("campaigns", "total", _("Campaigns")),
        ("campaigns", "summarised", _("Campaigns with a summary sent")),
        ("events", "total", _("Events")),
        ("events", "with_registration", _("Events with registration")),
        ("registrations", "total", _("Event registrations")),
        ("registrations", "students", _("Students who registered")),
        ("entries", "total", _("Contest entries")),
        ("entries", "classes", _("Classes that entered a contest")),
        ("reports", "received", _("Class reports received")),
        ("parent_events", "held", _("Parent classes and meetings held")),
        ("families", "reached", _("Families reached by parent classes")),
    ]:
        value, before = nested(part, key)
        if value is None:
            continue
        if (part, key) in people:
            name = f"{part}_{key}"
            value = section.sheet.count(section.cell(name, 0), value)
            before = section.sheet.count(section.cell(name, 1), before) if before is not None else None
        section.figures.append((label, value, before))
    section.at_most("registrations_total", ["registrations_students"])
    tables = [
        breakdown(
            section,
            "events_by_kind",
            _("Events by kind"),
            current.get("events_by_kind", {}),
            previous.get("events_by_kind") if previous else None,
            choice_label(EventKind),
            headcount=False,
            order=EventKind.values,
        ),
        breakdown(
            section,
            "campaigns_by_kind",
            _("Campaigns by kind"),
            current.get("campaigns_by_kind", {}),
            previous.get("campaigns_by_kind") if previous else None,
            choice_label(CampaignKind),
            headcount=False,
            order=CampaignKind.values,
            chart=False,
        ),
    ]

    # Families reached: each child counts once, in one class and one grade, so each column adds up
    # to the figure; a term without parent classes has no such tables.
    def by_class(data: dict | None) -> list | None:
        if data is None:
            return None
        rows = data.get("families_by_class") or []
        return [[_("%(grade)s class %(number)s") % {"grade": grade, "number": number}, n] for grade, number, n in rows]

    for key, title, now, before in [
        (
            "families_by_grade",
            _("Families reached by grade"),
            current.get("families_by_grade") or [],
            (previous.get("families_by_grade") or []) if previous else None,
        ),
        ("families_by_class", _("Families reached by class"), by_class(current), by_class(previous)),
    ]:
        if now or before:
            tables.append(
                breakdown(
                    section,
                    key,
                    title,
                    now,
                    before,
                    total="families_reached" if current.get("families") else None,
                    chart=False,
                )
            )
    section.tables = [table for table in tables if table]
    points = current.get("class_points") or []
    if points:
        rows = [
            [
                _("%(grade)s class %(number)s") % {"grade": row.get("grade"), "number": row.get("class_number")},
                row.get("points"),
                row.get("awards"),
            ]
            for row in points
        ]
        section.tables.append(
            Table("class_points", _("Contest results: class points"), [_("Class"), _("Points"), _("Prizes")], rows)
        )
    return section
