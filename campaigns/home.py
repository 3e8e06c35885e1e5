"""Home-page panels of the campaigns app (see counseling.hooks): at most a few small queries per role."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format, time_format

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign, Contest, Registration, RequiredReport, Task
from campaigns.services import families
from counseling import prepared
from counseling.hooks import Panel

TASK_HORIZON = datetime.timedelta(days=7)
LIVE = [CampaignStatus.PUBLISHED, CampaignStatus.RUNNING, CampaignStatus.FINISHED]


def _tasks_panel(user, today: datetime.date) -> Panel | None:
    tasks = list(
        Task.objects.open().filter(owner=user, due_date__lte=today + TASK_HORIZON).select_related("campaign")[:10]
    )
    if not tasks:
        return None
    for task in tasks:
        task.overdue = task.is_overdue(today)
    return Panel(
        "campaigns/panels/tasks.html",
        {"tasks": tasks, "overdue": sum(task.overdue for task in tasks)},
        order=40,
    )


def _summaries_panel(user, today: datetime.date) -> Panel | None:
    campaigns = list(
        Campaign.objects.filter(organisers=user, status__in=LIVE, end_date__lt=today)
        .filter(Q(summary__isnull=True) | Q(summary__submitted_at__isnull=True))
        .order_by("end_date")[:5]
    )
    if not campaigns:
        return None
    for campaign in campaigns:
        campaign.overdue = today > campaign.summary_due_date
    return Panel("campaigns/panels/summaries.html", {"campaigns": campaigns}, order=41)


def _class_panel(user, now: datetime.datetime) -> Panel | None:
    """Reports and contests still open for the teacher's classes (two queries)."""
    classes = list(user.taught_classes.filter(is_archived=False).values_list("pk", "grade_id"))
    if not classes:
        return None
    class_ids = [pk for pk, _grade in classes]
    grade_ids = {grade for _pk, grade in classes}
    for_grades = Q(campaign__grades=None) | Q(campaign__grades__in=grade_ids)
    reports = list(
        RequiredReport.objects.filter(campaign__status__in=LIVE, deadline__gte=now - datetime.timedelta(days=14))
        .filter(for_grades)
        .exclude(submissions__school_class_id__in=class_ids)
        .distinct()
        .select_related("campaign")
        .order_by("deadline")[:5]
    )
    contests = list(
        Contest.objects.filter(campaign__status__in=LIVE, deadline__gte=now, results_published_at=None)
        .filter(for_grades)
        .distinct()
        .select_related("campaign")
        .order_by("deadline")[:5]
    )
    if not (reports or contests):
        return None
    for report in reports:
        report.overdue = report.deadline < now
    return Panel("campaigns/panels/class_work.html", {"reports": reports, "contests": contests}, order=42)


def _judging_panel(user, now: datetime.datetime) -> Panel | None:
    """Contests this judge still has entries to score in (one query)."""
    contests = [
        contest
        for contest in Contest.objects.filter(judges=user, deadline__lt=now, results_published_at=None)
        .annotate(
            entry_count=Count("entries", distinct=True),
            scored=Count("entries__scores__entry", filter=Q(entries__scores__judge=user), distinct=True),
        )
        .select_related("campaign")
        .order_by("deadline")[:5]
        if contest.scored < contest.entry_count
    ]
    if not contests:
        return None
    return Panel("campaigns/panels/judging.html", {"contests": contests}, order=39)


def _registrations_panel(user, now: datetime.datetime) -> Panel | None:
    """The student's next five events: title, local day and time, venue (one narrow query; the
    row values are formatted here, as the panel is on every student's home page)."""
    rows = prepared.rows(
        "campaigns.home.registrations",
        lambda user, now: Registration.objects.filter(student=user, event__ends_at__gte=now)
        .order_by("event__starts_at")
        .values_list("event__title", "event__starts_at", "event__venue__name")[:5],
        user=user,
        now=now,
    )
    registrations = []
    for title, starts_at, venue in rows:
        local = timezone.localtime(starts_at)
        when = f"{date_format(local, 'MONTH_DAY_FORMAT')} {time_format(local, 'TIME_FORMAT')}"
        registrations.append({"title": title, "when": when, "venue": venue})
    if not registrations:
        return None
    return Panel("campaigns/panels/registrations.html", {"registrations": registrations}, order=43)


def _family_panel(user, now: datetime.datetime) -> Panel | None:
    """A guardian's parent classes: the family's next registrations and how many are open (three queries)."""
    registrations, open_count = families.home_numbers(user, now)
    if not (registrations or open_count):
        return None
    return Panel(
        "campaigns/panels/family_events.html", {"registrations": registrations, "open_count": open_count}, order=43
    )


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    today, now = timezone.localdate(), timezone.now()
    found: list[Panel | None] = []
    if user.has_perm("campaigns.view_planner"):
        found.append(_tasks_panel(user, today))
    if user.has_perm("campaigns.judge"):
        found.append(_judging_panel(user, now))
    if user.has_perm("campaigns.manage_campaigns"):
        found.append(_summaries_panel(user, today))
    if user.has_perm("campaigns.submit_entry"):
        found.append(_class_panel(user, now))
    if user.has_perm("campaigns.register_event"):
        found.append(_registrations_panel(user, now))
    if user.has_perm("campaigns.attend_parent_class"):
        found.append(_family_panel(user, now))
    return [panel for panel in found if panel is not None]
