"""A school's side of a district campaign: start its own campaign from it, and send the summary (报送)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.forms import CampaignForm
from campaigns.services import access
from campaigns.services import campaigns as campaign_service
from campaigns.services import district as district_service
from campaigns.views.common import add_errors, message_errors
from counseling.decorators import require_perm
from counseling.services import district_campaigns


@require_perm("campaigns.manage_campaigns")
def campaign_from_district(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft of the school's own campaign under a published district campaign (theme and dates prefilled)."""
    info = district_campaigns.get_published(pk)
    if info is None:
        raise Http404
    form = CampaignForm(request.POST or None, initial=district_service.initial_from(info))
    if request.method == "POST" and form.is_valid():
        form.instance.district_campaign_id = info.pk
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
            messages.success(
                request, _("Draft campaign created under the district campaign. Plan its events, then publish it.")
            )
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": None, "district_campaign": info})


@require_perm("campaigns.manage_campaigns")
@require_POST
def summary_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the summary, its PDF and the ticked photos to the district (again: replaces what was sent)."""
    campaign = access.get_editable_campaign(request.user, pk)
    raw = request.POST.getlist("photos")
    if not all(value.isdecimal() and len(value) < 12 for value in raw):
        messages.error(request, _("Choose photos of this campaign's summary only."))
        return redirect("campaigns:summary", campaign.pk)
    try:
        sent = district_service.send_to_district(
            campaign, by=request.user, photo_ids=[int(value) for value in raw], request=request
        )
    except ValidationError as error:
        message_errors(request, error)
    else:
        if sent.is_late:
            messages.warning(request, _("Sent to the district after the deadline: it is marked late."))
        else:
            messages.success(request, _("Sent to the district."))
    return redirect("campaigns:summary", campaign.pk)
