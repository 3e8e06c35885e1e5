"""Staff pages of a campaign: the list, creating (from a template or blank), the campaign page, editing, publishing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from campaigns.blueprints import get_blueprint
from campaigns.forms import BlueprintForm, CampaignForm
from campaigns.models import Campaign, Summary
from campaigns.services import access
from campaigns.services import campaigns as campaign_service
from campaigns.services.contests import campaign_leaderboard
from campaigns.services.reports import expected_classes
from campaigns.views.common import add_errors, message_errors
from counseling.decorators import require_perm
from counseling.models import User


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
    """The campaign page. Its query count does not grow with the number of events, tasks or entries."""
    user = request.user
    queryset = Campaign.objects.prefetch_related(
        Prefetch("organisers", queryset=User.objects.order_by("name")), "grades"
    )
    campaign = access.get_campaign_for(user, pk, queryset)
    office = user.has_perm("campaigns.manage_campaigns")
    events = campaign.events.select_related("venue").annotate(taken=Count("registrations"))
    tasks = campaign.tasks.select_related("owner")
    if not office:
        events = events.filter(is_published=True)
        tasks = tasks.filter(owner=user)
    contests = campaign.contests.annotate(
        entry_count=Count("entries", distinct=True), class_count=Count("entries__school_class", distinct=True)
    ).prefetch_related(Prefetch("judges", queryset=User.objects.order_by("name")))
    reports = campaign.reports.annotate(received=Count("submissions"))
    context = {
        "campaign": campaign,
        "status": campaign_service.status_on(campaign, timezone.localdate()),
        "is_organiser": access.is_organiser(user, campaign),
        "office": office,
        "events": list(events),
        "tasks": list(tasks),
        "contests": list(contests),
        "reports": list(reports),
        "expected_classes": expected_classes(campaign).count() if office else None,
        "leaderboard": campaign_leaderboard(campaign),
        "summary": Summary.objects.filter(campaign=campaign).first() if office else None,
        "today": timezone.localdate(),
        "now": timezone.now(),
    }
    return render(request, "campaigns/campaign_detail.html", context)


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
