"""Public pages (no sign-in): the programme of each published campaign. Drafts do not exist here."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign, ContestAward, Event
from campaigns.services import calendar as calendar_service
from campaigns.services import campaigns as campaign_service
from campaigns.services.contests import campaign_leaderboard


def programme_index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    campaigns = Campaign.objects.public().order_by("-start_date")
    context = {
        "current": [campaign for campaign in campaigns if campaign.end_date >= today],
        "past": [campaign for campaign in campaigns if campaign.end_date < today][:10],
    }
    return render(request, "campaigns/programme_index.html", context)


def programme(request: HttpRequest, pk: int) -> HttpResponse:
    """A published campaign's public programme: its facts, published events, contests and published results."""
    campaign = get_object_or_404(Campaign.objects.public().prefetch_related("grades"), pk=pk)
    events = Event.objects.public().filter(campaign=campaign).select_related("venue").order_by("starts_at")
    contests = campaign.contests.prefetch_related(
        Prefetch(
            "awards",
            queryset=ContestAward.objects.filter(contest__results_published_at__isnull=False).select_related(
                "school_class__grade"
            ),
        )
    )
    days: dict = {}
    for event in events:
        days.setdefault(timezone.localdate(event.starts_at), []).append(event)
    context = {
        "campaign": campaign,
        "status": campaign_service.status_on(campaign, timezone.localdate()),
        "days": sorted(days.items()),
        "contests": list(contests),
        "leaderboard": campaign_leaderboard(campaign),
        "summarised": campaign.status == CampaignStatus.SUMMARISED,
    }
    return render(request, "campaigns/programme.html", context)


def programme_ics(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.public(), pk=pk)
    body = calendar_service.ical(Event.objects.public().filter(campaign=campaign), campaign.title, request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="campaign-{campaign.pk}.ics"'
    return response
