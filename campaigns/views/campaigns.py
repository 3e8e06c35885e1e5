"""Staff pages of a campaign: the list, creating (from a template or blank), the campaign page, editing, publishing."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from campaigns.blueprints import get_blueprint
from campaigns.enums import TaskStatus
from campaigns.forms import BlueprintForm, CampaignForm
from campaigns.models import Campaign, Contest, Summary
from campaigns.services import access
from campaigns.services import campaigns as campaign_service
from campaigns.services.contests import campaign_leaderboard
from campaigns.services.reports import expected_classes
from campaigns.views.common import add_errors, message_errors
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

    It reads the campaign; its organisers' and grades' names; the events, tasks, contests and
    required reports; the contests' judges (when there are contests); for the office, whether the
    summary is written and how many classes owe each report (when there are reports); and the
    class points only when a contest has published results, as awards exist only from then on
    (``campaigns.services.contests.finalise``). Names are read as values, not as user rows.
    """
    user = request.user
    campaign = access.get_campaign_for(user, pk)
    office = user.has_perm("campaigns.manage_campaigns")
    organisers = list(campaign.organisers.order_by("name").values_list("pk", "name", "username"))
    grades = list(campaign.grades.values_list("pk", "name"))
    events = campaign.events.select_related("venue").annotate(taken=Count("registrations"))
    tasks = campaign.tasks.values("pk", "title", "status", "due_date", "owner_id", "owner__name", "owner__username")
    if not office:
        events = events.filter(is_published=True)
        tasks = tasks.filter(owner=user)
    contests = list(
        campaign.contests.annotate(
            entry_count=Count("entries", distinct=True), class_count=Count("entries__school_class", distinct=True)
        )
    )
    _add_judges(contests, user)
    reports = list(campaign.reports.annotate(received=Count("submissions")))
    published = any(contest.results_published_at for contest in contests)
    context = {
        "campaign": campaign,
        "status": campaign_service.status_on(campaign, timezone.localdate()),
        "is_organiser": access.is_organiser(user, campaign, organiser_ids={row[0] for row in organisers}),
        "office": office,
        # What User.get_full_name shows: the name, else the username.
        "organiser_names": [name or username for _pk, name, username in organisers],
        "grade_names": [name for _pk, name in grades],
        "events": list(events),
        "tasks": [
            {
                **task,
                "owner_name": task["owner__name"] or task["owner__username"],
                "status_label": TaskStatus(task["status"]).label,
            }
            for task in tasks
        ],
        "contests": contests,
        "reports": reports,
        "expected_classes": (
            expected_classes(campaign, grade_ids=[row[0] for row in grades]).count() if office and reports else None
        ),
        "leaderboard": campaign_leaderboard(campaign) if published else [],
        "has_summary": office and Summary.objects.filter(campaign=campaign).exists(),
        "today": timezone.localdate(),
        "now": timezone.now(),
    }
    return render(request, "campaigns/campaign_detail.html", context)


def _add_judges(contests: list[Contest], user) -> None:
    """Each contest's judges' names (by name) and whether ``user`` is one of them, in one query."""
    judges: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if contests:
        rows = (
            Contest.judges.through.objects.filter(contest_id__in=[contest.pk for contest in contests])
            .order_by("user__name", "user_id")
            .values_list("contest_id", "user_id", "user__name", "user__username")
        )
        for contest_id, user_id, name, username in rows:
            judges[contest_id].append((user_id, name or username))
    for contest in contests:
        contest.judge_names = [name for _pk, name in judges[contest.pk]]
        contest.is_judge = any(user_id == user.pk for user_id, _name in judges[contest.pk])


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
