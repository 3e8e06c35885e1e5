"""Lines for a user's daily digest (names and times only)."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils import formats
from django.utils.translation import gettext as _

from campaigns.models import Event, Task


def items_for(user, day: datetime.date) -> list[str]:
    """Overdue campaign tasks owned by ``user`` on ``day`` (one query)."""
    tasks = Task.objects.overdue(day).filter(owner=user).select_related("campaign").order_by("due_date", "id")
    return [
        _("Overdue task: %(task)s (%(campaign)s), due %(due)s")
        % {
            "task": task.title,
            "campaign": task.campaign.title,
            "due": formats.date_format(task.due_date, "SHORT_DATE_FORMAT"),
        }
        for task in tasks
    ]


def week_numbers(start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Counts for the head counselor's weekly note: published events held and registrations (aggregates)."""
    counts = (
        Event.objects.public()
        .filter(starts_at__date__gte=start, starts_at__date__lte=end)
        .aggregate(events=Count("pk", distinct=True), registrations=Count("registrations"))
    )
    return {_("Campaign events held"): counts["events"], _("Campaign event registrations"): counts["registrations"]}
