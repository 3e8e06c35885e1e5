"""Lines for a user's daily digest (names and times only)."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils.translation import gettext_lazy, gettext_noop

from campaigns.models import Event, Task
from counseling.services.messages import Msg


def items_for(user, day: datetime.date) -> list[Msg]:
    """Overdue campaign tasks owned by ``user`` on ``day`` (one query)."""
    tasks = Task.objects.overdue(day).filter(owner=user).select_related("campaign").order_by("due_date", "id")
    return [
        Msg(
            gettext_noop("Overdue task: %(task)s (%(campaign)s), due %(due)s"),
            task=task.title,
            campaign=task.campaign.title,
            due=task.due_date,
        )
        for task in tasks
    ]


def week_numbers(start: datetime.date, end: datetime.date) -> dict:
    """Counts for the head counselor's weekly note: published events held and registrations (aggregates)."""
    counts = (
        Event.objects.public()
        .filter(starts_at__date__gte=start, starts_at__date__lte=end)
        .aggregate(events=Count("pk", distinct=True), registrations=Count("registrations"))
    )
    return {
        gettext_lazy("Campaign events held"): counts["events"],
        gettext_lazy("Campaign event registrations"): counts["registrations"],
    }
