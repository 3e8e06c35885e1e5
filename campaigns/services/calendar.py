"""The term planner (month by month) and the iCalendar feed of published events."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from campaigns.models import Campaign, Event
from counseling.models import Term


@dataclass
class Month:
    first_day: datetime.date
    campaigns: list = field(default_factory=list)
    events: list = field(default_factory=list)


def months_of(term: Term) -> list[datetime.date]:
    """The first day of every month the term touches (September → January style)."""
    months, day = [], term.start.replace(day=1)
    while day <= term.end:
        months.append(day)
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


def planner(term: Term, user) -> list[Month]:
    """Campaigns and events of the term per month, as this user may see them (two queries)."""
    months = [Month(first_day) for first_day in months_of(term)]
    campaigns = list(Campaign.objects.visible_to(user).overlapping(term.start, term.end).order_by("start_date", "id"))
    events = Event.objects.filter(
        campaign__in=[campaign.pk for campaign in campaigns],
        starts_at__date__gte=term.start,
        starts_at__date__lte=term.end,
    ).select_related("campaign", "venue")
    if not user.has_perm("campaigns.manage_campaigns"):
        events = events.filter(is_published=True)
    for month in months:
        month_end = (month.first_day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        month.campaigns = [c for c in campaigns if c.start_date < month_end and c.end_date >= month.first_day]
    by_month = {month.first_day: month for month in months}
    for event in events.order_by("starts_at"):
        month = by_month.get(timezone.localdate(event.starts_at).replace(day=1))
        if month is not None:
            month.events.append(event)
    return months


def ical(events: QuerySet[Event], name: str, host: str) -> bytes:
    """An iCalendar file of the given (already public) events."""
    calendar = Calendar()
    calendar.add("prodid", "-//School counseling office//campaigns//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    now = timezone.now()
    for event in events.select_related("campaign", "venue"):
        item = CalendarEvent()
        item.add("uid", f"campaign-event-{event.pk}@{host}")
        item.add("dtstamp", now)
        item.add("dtstart", event.starts_at)
        item.add("dtend", event.ends_at)
        item.add("summary", event.title)
        if event.venue:
            item.add("location", event.venue.name)
        description = " · ".join(part for part in (event.campaign.title, event.speaker, event.audience) if part)
        item.add("description", description)
        calendar.add_component(item)
    return calendar.to_ical()
