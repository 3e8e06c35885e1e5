"""After the campaign: the summary (with photos), its print view and PDF, and all materials as one ZIP."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.forms import PhotoForm, SummaryForm
from campaigns.models import Summary
from campaigns.services import access, files
from campaigns.services import campaigns as campaign_service
from campaigns.services import summary as summary_service
from campaigns.views.common import add_errors, message_errors
from counseling.decorators import require_perm
from counseling.models.audit import AuditAction
from counseling.services import audit, district_campaigns


def _download_name(campaign, suffix: str) -> str:
    return f"{campaign.title}-{suffix}"


@require_perm("campaigns.manage_campaigns")
def summary_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_editable_campaign(request.user, pk)
    summary = Summary.objects.filter(campaign=campaign).prefetch_related("photos").first()
    problem = summary_service.summary_problem(campaign, timezone.localdate())
    form = SummaryForm(request.POST or None, instance=summary)
    if request.method == "POST" and problem:
        messages.error(request, problem)
    elif request.method == "POST" and form.is_valid():
        try:
            summary_service.save_summary(
                campaign,
                by=request.user,
                highlights=form.cleaned_data["highlights"],
                participant_count=form.cleaned_data["participant_count"],
                request=request,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Summary saved."))
            return redirect("campaigns:summary", campaign.pk)
    context = {
        "campaign": campaign,
        "status": campaign_service.status_on(campaign, timezone.localdate()),
        "summary": summary,
        "photos": list(summary.photos.all()) if summary else [],
        "form": form,
        "photo_form": PhotoForm(),
        "problem": problem,
        "numbers": summary_service.stats(campaign),
        "district_campaign": district_campaigns.get_published(campaign.district_campaign_id),
        "district_sent": district_campaigns.submission(campaign.district_campaign_id),
    }
    return render(request, "campaigns/summary_edit.html", context, status=400 if request.method == "POST" else 200)


@require_perm("campaigns.manage_campaigns")
@require_POST
def summary_photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_editable_campaign(request.user, pk)
    summary = Summary.objects.filter(campaign=campaign).first()
    form = PhotoForm(request.POST, request.FILES)
    if summary is None:
        messages.error(request, _("Save the summary text first, then add photos."))
    elif form.is_valid():
        try:
            summary_service.add_photo(
                summary, by=request.user, upload=form.cleaned_data["photo"], caption=form.cleaned_data["caption"]
            )
        except ValidationError as error:
            message_errors(request, error)
        else:
            messages.success(request, _("Photo added."))
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return redirect("campaigns:summary", campaign.pk)


@require_perm("campaigns.manage_campaigns")
@require_POST
def summary_photo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    photo = get_object_or_404(access.photos_visible_to(request.user).select_related("summary__campaign"), pk=pk)
    campaign = access.get_editable_campaign(request.user, photo.summary.campaign_id)
    summary_service.delete_photo(photo)
    messages.success(request, _("Photo removed."))
    return redirect("campaigns:summary", campaign.pk)


@require_perm("campaigns.manage_campaigns")
def summary_photo(request: HttpRequest, pk: int) -> HttpResponse:
    photo = get_object_or_404(access.photos_visible_to(request.user), pk=pk)
    return files.file_response(photo, inline=True)


@require_perm("campaigns.manage_campaigns")
@require_POST
def summary_submit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_editable_campaign(request.user, pk)
    try:
        summary_service.submit(campaign, by=request.user, request=request)
    except ValidationError as error:
        message_errors(request, error)
    else:
        messages.success(request, _("The summary is marked as sent; the campaign is summarised."))
    return redirect("campaigns:summary", campaign.pk)


@require_perm("campaigns.manage_campaigns")
def summary_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary laid out for A4 paper (the browser's print dialog, or the PDF below)."""
    campaign = access.get_campaign_for(request.user, pk)
    context = summary_service.print_context(campaign)
    return render(request, "campaigns/summary_print.html", context)


@require_perm("campaigns.manage_campaigns")
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_campaign_for(request.user, pk)
    pdf = summary_service.render_pdf(campaign)
    with transaction.atomic():
        audit.record(request.user, AuditAction.PRINT, campaign, request=request, detail="summary pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = _download_name(campaign, _("summary")) + ".pdf"
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


@require_perm("campaigns.manage_campaigns")
def materials_zip(request: HttpRequest, pk: int) -> HttpResponse:
    """Every submitted file of the campaign in one ZIP, for the organisers to send on."""
    campaign = access.get_editable_campaign(request.user, pk)
    with transaction.atomic():
        archive = summary_service.build_materials_zip(campaign, by=request.user, request=request)
    return FileResponse(
        archive,
        as_attachment=True,
        filename=_download_name(campaign, _("materials")) + ".zip",
        content_type="application/zip",
    )
