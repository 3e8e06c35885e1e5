"""The term planner, the leaderboards and the iCalendar feed."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Event
from campaigns.services import calendar as calendar_service
from campaigns.services.contests import term_leaderboard
from counseling.decorators import require_perm
from counseling.models import Term
from counseling.services import district_campaigns


def _term(request: HttpRequest) -> Term:
    term_id = request.GET.get("term")
    if term_id:
        if not term_id.isdecimal():
            raise Http404
        return get_object_or_404(Term, pk=term_id)
    term = Term.objects.current() or Term.objects.first()
    if term is None:
        raise Http404
    return term


@require_perm("campaigns.view_planner")
def planner(request: HttpRequest) -> HttpResponse:
    """Campaigns and events of a term, month by month (September → January style)."""
    term = _term(request)
    context = {
        "term": term,
        "terms": Term.objects.all(),
        "months": calendar_service.planner(term, request.user),
        "district_campaigns": _district_templates(request.user),
    }
    return render(request, "campaigns/planner.html", context)


def _district_templates(user) -> list[tuple]:
    """The district's published campaigns (in a district's school), each with the school's own under it."""
    published = district_campaigns.published()
    if not published:
        return []
    own = {}
    for campaign in Campaign.objects.visible_to(user).filter(district_campaign_id__in=[info.pk for info in published]):
        own.setdefault(campaign.district_campaign_id, []).append(campaign)
    return [(info, own.get(info.pk, [])) for info in published]


@require_perm("campaigns.view_planner")
def leaderboard(request: HttpRequest) -> HttpResponse:
    """Class points over every published contest of a term."""
    term = _term(request)
    rows = term_leaderboard(term)
    return render(request, "campaigns/leaderboard.html", {"term": term, "terms": Term.objects.all(), "rows": rows})


def calendar_feed(request: HttpRequest) -> HttpResponse:
    """Every published event, for calendar apps (no sign-in: only public content)."""
    body = calendar_service.ical(Event.objects.public(), _("Campaign events"), request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="campaigns.ics"'
    return response
