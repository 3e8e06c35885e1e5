"""The district office's campaigns: list, draft, publish, and what each school sent (district site only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counseling.decorators import require_perm
from counseling.district.forms_campaigns import DistrictCampaignForm
from counseling.district.models_campaigns import DistrictCampaign, SubmissionFile
from counseling.district.services import campaigns as campaign_service
from counseling.models.audit import AuditAction
from counseling.services.audit import record

PERM = "district.view_district"


@require_perm(PERM)
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(request, "district/campaigns/list.html", {"campaigns": DistrictCampaign.objects.all()})


def _edit(request: HttpRequest, campaign: DistrictCampaign | None) -> HttpResponse:
    if campaign is not None and campaign.is_published:
        messages.error(request, _("A published district campaign cannot be changed."))
        return redirect("district_campaign", campaign.pk)
    form = DistrictCampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            saved = campaign_service.save(form.instance, by=request.user, request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft saved. Publish it when it is ready."))
            return redirect("district_campaign", saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "district/campaigns/form.html", {"form": form, "campaign": campaign}, status=status)


@require_perm(PERM)
def campaign_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@require_perm(PERM)
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, get_object_or_404(DistrictCampaign, pk=pk))


@require_perm(PERM)
@require_POST
def campaign_publish(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(DistrictCampaign, pk=pk)
    try:
        campaign_service.publish(campaign, by=request.user, request=request)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Published: every school's planner shows it now."))
    return redirect("district_campaign", campaign.pk)


@require_perm(PERM)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign and every school's state: sent (on time or late), missing after the due day, not yet due."""
    campaign = get_object_or_404(DistrictCampaign, pk=pk)
    rows = campaign_service.states(campaign) if campaign.is_published else []
    return render(request, "district/campaigns/detail.html", {"campaign": campaign, "rows": rows})


@require_perm(PERM)
def submission_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A file a school sent, to the district office only; never at a public address. Audited."""
    item = get_object_or_404(SubmissionFile.objects.select_related("submission"), pk=pk)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    with transaction.atomic():
        record(request.user, AuditAction.EXPORT, item.submission, request=request, detail=f"file {item.pk}")
    response = FileResponse(handle, content_type=item.content_type, as_attachment=True, filename=item.original_name)
    response["Cache-Control"] = "private, no-store"
    return response
