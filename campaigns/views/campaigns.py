"""Staff pages of a campaign: the list, creating (from a template or blank), the campaign page, editing, publishing."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from campaigns.blueprints import get_blueprint
from campaigns.forms import BlueprintForm, CampaignForm
from campaigns.models import Campaign, Contest, Event, RequiredReport, Task
from campaigns.services import access
from campaigns.services import campaigns as campaign_service
from campaigns.services.contests import campaign_leaderboard
from campaigns.services.reports import expected_classes
from campaigns.views import campaign_rows
from campaigns.views.common import add_errors, message_errors
from counseling import prepared
from counseling.decorators import require_perm


@require_perm("campaigns.view_planner")
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .annotate(event_count=Count("events", distinct=True), contest_count=Count("contests", distinct=True))
        .order_by("-start_date", "-id")
    )
    today = timezone.localdate()
    rows = [(campaign, campaign_service.status_on(campaign, today)) for campaign in campaigns]
    return render(request, "campaigns/campaign_list.html", {"rows": rows})


@require_perm("campaigns.manage_campaigns")
def campaign_create(request: HttpRequest) -> HttpResponse:
    """Create a draft from a template; the organiser then adjusts it on the campaign page."""
    form = BlueprintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        blueprint = get_blueprint(form.cleaned_data["blueprint"])
        try:
            campaign = campaign_service.create_from_blueprint(
                blueprint,
                by=request.user,
                start_date=form.cleaned_data["start_date"],
                title=form.cleaned_data["title"],
                request=request,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Draft created from the template. Adjust it, then publish it."))
            if weekend := form.weekend_days():
                messages.warning(
                    request,
                    _("Events of this template fall on a weekend (%(days)s): move them or choose another first day.")
                    % {
                        "days": pgettext("list separator", ", ").join(
                            formats.date_format(day, "MONTH_DAY_FORMAT") for day in weekend
                        )
                    },
                )
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/campaign_create.html", {"form": form})


@require_perm("campaigns.manage_campaigns")
def campaign_create_blank(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_service.save_campaign(
                form.instance,
                by=request.user,
                data=form.cleaned_data,
                organisers=form.cleaned_data["organisers"],
                grades=form.cleaned_data["grades"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Draft campaign created."))
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": None})


@require_perm("campaigns.manage_campaigns")
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_editable_campaign(request.user, pk)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            campaign_service.save_campaign(
                campaign,
                by=request.user,
                data=form.cleaned_data,
                organisers=form.cleaned_data["organisers"],
                grades=form.cleaned_data["grades"],
            )
        except ValidationError as error:
            campaign.refresh_from_db()
            add_errors(form, error)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign})


@require_perm("campaigns.view_planner")
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign page. Its query count does not grow with the number of events, tasks or entries.

    It reads the campaign (for the office, with whether its summary is written); its organisers'
    and grades' names; the events (registrations counted), tasks, contests (entries and classes
    counted, with their judges' names) and required reports (hand-ins counted); for the office,
    how many classes owe each report (when there are reports); and the class points only when a
    contest has published results, as awards exist only from then on
    (``campaigns.services.contests.finalise``). Rows are read as values and printed by
    ``campaigns.views.campaign_rows``; events, contests and reports in their models' order.
    """
    user = request.user
    office = user.has_perm("campaigns.manage_campaigns")
    campaign, organisers, grades, summary_written = _campaign_with_names(user, pk)
    # Every query of the page is compiled once per process (counseling.prepared); whether the
    # reader is the office decides the form of the events' and tasks' queries.
    events = prepared.rows(
        "campaigns.detail.events",
        lambda campaign_id: _events(campaign_id, office=office),
        shape=(office,),
        campaign_id=campaign.pk,
    )
    tasks = prepared.rows(
        "campaigns.detail.tasks",
        lambda campaign_id, user_id: _tasks(campaign_id, user_id, office=office),
        shape=(office,),
        campaign_id=campaign.pk,
        user_id=user.pk,
    )
    contests = _contests(campaign, user)
    reports = prepared.rows(
        "campaigns.detail.reports",
        lambda campaign_id: (
            RequiredReport.objects.filter(campaign=campaign_id)
            .values_list("pk", "title", "deadline")
            .annotate(received=Count("submissions"))
            .order_by("deadline", "pk")
        ),
        campaign_id=campaign.pk,
    )
    today, now = timezone.localdate(), timezone.now()
    is_organiser = access.is_organiser(user, campaign, organiser_ids={row[0] for row in organisers})
    reader = campaign_rows.Reader(
        user_id=user.pk, office=office, is_organiser=is_organiser, csrf_token=partial(get_token, request)
    )
    expected = expected_classes(campaign, grade_ids=[row[0] for row in grades]).count() if office and reports else None
    published = any(contest.results_published_at for contest in contests)
    context = {
        "campaign": campaign,
        "status": campaign_service.status_on(campaign, today),
        "is_organiser": is_organiser,
        "office": office,
        # What User.get_full_name shows: the name, else the username.
        "organiser_names": [name or username for _pk, name, username in organisers],
        "grade_names": [name for _pk, name in grades],
        "task_items": campaign_rows.task_items(
            (
                (pk, title, status, due, owner_id, name or username)
                for pk, title, status, due, owner_id, name, username in tasks
            ),
            reader,
            today,
        ),
        "event_rows": campaign_rows.event_rows([campaign_rows.EventRow(*row) for row in events], reader),
        "contest_cards": campaign_rows.contest_cards(contests, reader, now),
        "report_cards": campaign_rows.report_cards(reports, reader, expected),
        "leaderboard": campaign_leaderboard(campaign) if published else [],
        "has_summary": office and summary_written,
        "today": today,
    }
    return render(request, "campaigns/campaign_detail.html", context)


# The campaign's own columns the page shows (the others are deferred, never read here).
CAMPAIGN_FIELDS = (
    "id",
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
    "status",
    "summary_due_days",
)


def _campaign_with_names(user, pk: int) -> tuple[Campaign, list[tuple[int, str, str]], list[tuple[int, str]], bool]:
    """The campaign as ``user`` may see it (404 otherwise), its organisers ``(pk, name, username)`` by
    name, its grades ``(pk, name)`` by level and whether its summary is written, in one query.

    One row per organiser and grade (a campaign has a few of each); cheaper than a query for each.
    """
    scope = Campaign.objects.scope_of(user)
    if scope == "none":
        raise Http404
    rows = prepared.rows(
        "campaigns.detail.campaign",
        lambda user, pk: (
            Campaign.objects.visible_to(user)
            .filter(pk=pk)
            .values_list(
                *CAMPAIGN_FIELDS,
                "summary__id",
                "organisers__id",
                "organisers__name",
                "organisers__username",
                "grades__id",
                "grades__name",
            )
            .order_by("organisers__name", "organisers__id", "grades__level", "grades__id")
        ),
        shape=(scope,),
        user=user,
        pk=pk,
    )
    if not rows:
        raise Http404
    width = len(CAMPAIGN_FIELDS)
    campaign = Campaign.from_db(DEFAULT_DB_ALIAS, CAMPAIGN_FIELDS, rows[0][:width])
    organisers: dict[int, tuple[int, str, str]] = {}
    grades: dict[int, tuple[int, str]] = {}
    for _summary, organiser_id, name, username, grade_id, grade_name in (row[width:] for row in rows):
        if organiser_id is not None:
            organisers.setdefault(organiser_id, (organiser_id, name, username))
        if grade_id is not None:
            grades.setdefault(grade_id, (grade_id, grade_name))
    return campaign, list(organisers.values()), list(grades.values()), rows[0][width] is not None


def _events(campaign_id: int, *, office: bool):
    """The campaign's events as ``campaign_rows.EventRow`` takes them; the office's include unpublished ones."""
    events = (
        Event.objects.filter(campaign=campaign_id)
        .values_list(*EVENT_FIELDS)
        # Students register for most events, families (one row per child) for parent classes.
        .annotate(taken=Count("registrations", distinct=True) + Count("family_registrations", distinct=True))
        .order_by("starts_at", "pk")
    )
    return events if office else events.filter(is_published=True)


def _tasks(campaign_id: int, user_id: int, *, office: bool):
    """The campaign's tasks with their owners' names: every task for the office, one's own for other staff."""
    tasks = (
        Task.objects.filter(campaign=campaign_id)
        .values_list("pk", "title", "status", "due_date", "owner_id", "owner__name", "owner__username")
        .order_by("due_date", "pk")
    )
    return tasks if office else tasks.filter(owner=user_id)


# An event's columns as campaign_rows.EventRow takes them (the registrations are counted after).
EVENT_FIELDS = (
    "pk",
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "venue__name",
    "speaker",
    "audience",
    "registration_required",
    "capacity",
    "is_published",
)


def _contests(campaign: Campaign, user) -> list[campaign_rows.ContestRow]:
    """The contests with their entries and classes counted and their judges' names (by name), in one query.

    A row per contest and judge (one for a contest without judges); whether ``user`` judges it
    decides whether they open it.
    """
    rows = prepared.rows(
        "campaigns.detail.contests",
        lambda campaign_id: (
            Contest.objects.filter(campaign=campaign_id)
            .values_list(
                "pk",
                "kind",
                "title",
                "deadline",
                "results_published_at",
                "judges__id",
                "judges__name",
                "judges__username",
            )
            .annotate(
                entry_count=Count("entries", distinct=True), class_count=Count("entries__school_class", distinct=True)
            )
            .order_by("deadline", "pk", "judges__name", "judges__id")
        ),
        campaign_id=campaign.pk,
    )
    contests: dict[int, campaign_rows.ContestRow] = {}
    for pk, kind, title, deadline, published_at, judge_id, name, username, entry_count, class_count in rows:
        contest = contests.get(pk)
        if contest is None:
            contest = contests[pk] = campaign_rows.ContestRow(
                pk=pk,
                kind=kind,
                title=title,
                deadline=deadline,
                results_published_at=published_at,
                entry_count=entry_count,
                class_count=class_count,
                judge_names=[],
                is_judge=False,
            )
        if judge_id is not None:
            contest.judge_names.append(name or username)
            contest.is_judge = contest.is_judge or judge_id == user.pk
    return list(contests.values())


@require_perm("campaigns.manage_campaigns")
@require_POST
def campaign_publish(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_editable_campaign(request.user, pk)
    try:
        campaign_service.publish(campaign, by=request.user, request=request)
    except ValidationError as error:
        message_errors(request, error)
    else:
        messages.success(request, _("The campaign is published: its programme page is public."))
    return redirect("campaigns:detail", campaign.pk)
