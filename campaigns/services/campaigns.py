"""Creating, changing and publishing campaigns, and moving them along the calendar."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns import blueprints as bp
from campaigns.enums import CampaignKind, CampaignStatus
from campaigns.models import Campaign, Contest, Criterion, Event, RequiredReport, Task, Venue
from campaigns.services import events as event_service
from counseling.models.audit import AuditAction
from counseling.services import audit, notify
from counseling.services.messages import Msg

CAMPAIGN_FIELDS = (
    "title",
    "theme",
    "kind",
    "start_date",
    "end_date",
    "hosts",
    "for_students",
    "for_teachers",
    "for_parents",
    "goals",
    "summary_due_days",
)


def local_datetime(day: datetime.date, hhmm: str) -> datetime.datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def check_dates(kind: str, start: datetime.date, end: datetime.date) -> None:
    """Raise ValidationError when the dates cannot belong to a campaign of this kind."""
    if end < start:
        raise ValidationError({"end_date": _("The last day is before the first day.")})
    if kind == CampaignKind.DAY and end != start:
        raise ValidationError({"end_date": _("A one-day campaign starts and ends on the same day.")})


def _check_children_fit(campaign: Campaign, start: datetime.date, end: datetime.date) -> None:
    """New dates must still hold the campaign's events and deadlines."""
    outside = [
        event
        for event in campaign.events.all()
        if timezone.localdate(event.starts_at) < start or timezone.localdate(event.ends_at) > end
    ]
    if outside:
        raise ValidationError(
            _("%(count)d event(s) would fall outside the new dates, e.g. “%(title)s”. Move them first.")
            % {"count": len(outside), "title": outside[0].title}
        )
    late = [
        item.title
        for item in [*campaign.contests.all(), *campaign.reports.all()]
        if timezone.localdate(item.deadline) > end
    ]
    if late:
        raise ValidationError(
            _("The deadline of “%(title)s” would be after the new last day. Change it first.") % {"title": late[0]}
        )


@transaction.atomic
def save_campaign(campaign: Campaign, *, by, data: dict, organisers, grades) -> Campaign:
    """Create or change a campaign from cleaned form data.

    Side effects, in order: checks the dates (and, for an existing campaign, that its events and
    deadlines still fit), saves the row, sets organisers (the author is always one) and grades,
    writes an audit entry.
    """
    check_dates(data["kind"], data["start_date"], data["end_date"])
    is_new = campaign.pk is None
    if not is_new:
        _check_children_fit(campaign, data["start_date"], data["end_date"])
    for name in CAMPAIGN_FIELDS:
        setattr(campaign, name, data[name])
    if is_new:
        campaign.created_by = by
    campaign.save()
    campaign.organisers.set({*organisers, by} if is_new else organisers)
    campaign.grades.set(grades)
    audit.record(by, AuditAction.CREATE if is_new else AuditAction.CHANGE, campaign)
    return campaign


@transaction.atomic
def create_from_blueprint(
    blueprint: bp.Blueprint, *, by, start_date: datetime.date, title: str = "", request=None
) -> Campaign:
    """A draft campaign with the template's events, contests, reports and tasks, in the author's language.

    Side effects, in order: creates the campaign (author as organiser), its venues (by name, if new),
    events (each checked for a venue clash; a clash refuses the whole template), contests with
    criteria, required reports and tasks owned by the author; writes an audit entry. All or nothing.
    """
    end_date = start_date + datetime.timedelta(days=blueprint.days - 1)
    campaign = Campaign.objects.create(
        title=title or f"{start_date.year} {blueprint.name}",
        theme=str(blueprint.theme),
        kind=blueprint.kind,
        start_date=start_date,
        end_date=end_date,
        hosts=str(blueprint.hosts),
        goals=str(blueprint.goals),
        for_parents=blueprint.for_parents,
        template_code=blueprint.code,
        created_by=by,
    )
    campaign.organisers.add(by)
    for spec in blueprint.events:
        day = start_date + datetime.timedelta(days=spec.day)
        starts_at = local_datetime(day, spec.start)
        venue = Venue.objects.get_or_create(name=str(spec.venue))[0] if spec.venue else None
        event = Event(
            campaign=campaign,
            kind=spec.kind,
            title=str(spec.title),
            description=str(spec.description or ""),
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=spec.minutes),
            venue=venue,
            speaker=str(spec.speaker or ""),
            audience=str(spec.audience or ""),
            registration_required=spec.capacity is not None,
            capacity=spec.capacity,
        )
        event_service.check_venue_free(event)
        event.save()
    for spec in blueprint.contests:
        contest = Contest.objects.create(
            campaign=campaign,
            kind=spec.kind,
            title=str(spec.title),
            requirements=str(spec.requirements),
            deadline=local_datetime(start_date + datetime.timedelta(days=spec.deadline_day), spec.deadline_time),
            entries_per_class=spec.entries_per_class,
        )
        Criterion.objects.bulk_create(
            Criterion(contest=contest, name=str(name), max_points=points, order=index)
            for index, (name, points) in enumerate(spec.criteria)
        )
    for spec in blueprint.reports:
        RequiredReport.objects.create(
            campaign=campaign,
            title=str(spec.title),
            instructions=str(spec.instructions),
            deadline=local_datetime(start_date + datetime.timedelta(days=spec.deadline_day), spec.deadline_time),
        )
    Task.objects.bulk_create(
        Task(campaign=campaign, title=str(spec.title), owner=by, due_date=start_date + datetime.timedelta(spec.due_day))
        for spec in blueprint.tasks
    )
    audit.record(by, AuditAction.CREATE, campaign, request=request, detail=f"template {blueprint.code}")
    return campaign


def status_on(campaign: Campaign, today: datetime.date) -> str:
    """The status the calendar gives a published campaign on ``today`` (drafts and summaries stay put)."""
    if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.SUMMARISED):
        return campaign.status
    if today > campaign.end_date:
        return CampaignStatus.FINISHED
    if today >= campaign.start_date:
        return CampaignStatus.RUNNING
    return CampaignStatus.PUBLISHED


@transaction.atomic
def publish(campaign: Campaign, *, by, request=None) -> Campaign:
    """Make a draft public: the programme page, the calendar feed and class submissions open.

    Side effects, in order: conditional update draft → published/running/finished (by date; a
    second click changes nothing), audit entry, a notification to each task owner (once per owner).
    """
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError(_("This campaign is already published."))
    now = timezone.now()
    campaign.status = CampaignStatus.PUBLISHED
    new_status = status_on(campaign, timezone.localdate())
    updated = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.DRAFT).update(
        status=new_status, published_at=now
    )
    if not updated:
        raise ValidationError(_("This campaign is already published."))
    campaign.status, campaign.published_at = new_status, now
    audit.record(by, AuditAction.CHANGE, campaign, request=request, detail="published")
    owners = {task.owner for task in campaign.tasks.select_related("owner") if task.owner_id != by.pk}
    for owner in owners:
        notify.notify(
            owner,
            key=f"campaigns:campaign:{campaign.pk}:tasks:{owner.pk}",
            title=Msg(gettext_noop("You have tasks in “%(campaign)s”"), campaign=campaign.title),
            url=reverse("campaigns:detail", args=[campaign.pk]),
        )
    return campaign


def advance_statuses(today: datetime.date | None = None) -> int:
    """Move published campaigns to running and running ones to finished as the days pass.

    Side effects: two conditional bulk updates; returns how many campaigns changed. Idempotent.
    """
    today = today or timezone.localdate()
    live = [CampaignStatus.PUBLISHED, CampaignStatus.RUNNING]
    finished = Campaign.objects.filter(status__in=live, end_date__lt=today).update(status=CampaignStatus.FINISHED)
    running = Campaign.objects.filter(
        Q(status=CampaignStatus.PUBLISHED), start_date__lte=today, end_date__gte=today
    ).update(status=CampaignStatus.RUNNING)
    return finished + running
