"""A campaign run under a district campaign: starting it from the district's template, and sending (报送)
its summary and materials to the district (counseling.services.district_campaigns does the crossing).

What is sent carries no student's name: the summary text is the office's own account of the events,
its counts go through the disclosure rule (campaigns.services.summary.stats), the PDF is the same
summary, and photos are only those the sender ticks (the page warns that they are the school's
responsibility: no recognisable student without consent, no names on screen or paper).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.enums import CampaignKind
from campaigns.models import Campaign, Summary
from campaigns.services import summary as summary_service
from counseling.models.audit import AuditAction
from counseling.services import audit
from counseling.services import district_campaigns as district

# The district's kinds of material (counseling.district.models_campaigns.Material).
SUMMARY, PDF, PHOTOS = "summary", "pdf", "photos"


def initial_from(info: district.DistrictCampaignInfo) -> dict:
    """The campaign form's starting values for a school's campaign under a district campaign."""
    days = (info.end_date - info.start_date).days + 1
    kind = CampaignKind.DAY if days == 1 else CampaignKind.WEEK if days <= 7 else CampaignKind.MONTH
    return {
        "title": info.title,
        "theme": info.theme,
        "kind": kind,
        "start_date": info.start_date,
        "end_date": info.end_date,
        "goals": info.description,
        "summary_due_days": 7,
    }


@transaction.atomic
def send_to_district(campaign: Campaign, *, by, photo_ids: list[int], request=None) -> district.SubmissionInfo:
    """Send the summary and the chosen photos to the district; sending again replaces what was sent.

    Side effects, in order: checks the district campaign is open and the summary written; renders
    the summary PDF (when the district asks for it); copies it and the chosen photos into the
    district's storage (counseling.services.district_campaigns.submit); marks the summary as sent
    (summary_service.submit: status, reminders withdrawn, audit); an export audit entry.
    """
    info = district.get_published(campaign.district_campaign_id)
    if info is None:
        raise ValidationError(_("This campaign is not linked to an open district campaign."))
    summary = Summary.objects.filter(campaign=campaign).first()
    if summary is None or not summary.highlights.strip():
        raise ValidationError(_("Write the summary before sending it to the district."))
    outgoing: list[district.OutgoingFile] = []
    if PDF in info.materials:
        outgoing.append(
            district.OutgoingFile(
                PDF, f"{campaign.title}-{_('summary')}.pdf", "application/pdf", summary_service.render_pdf(campaign)
            )
        )
    if PHOTOS in info.materials:
        chosen = list(summary.photos.filter(pk__in=photo_ids))
        if len(chosen) != len(set(photo_ids)):
            raise ValidationError(_("Choose photos of this campaign's summary only."))
        for photo in chosen:
            with photo.file.open("rb") as handle:
                content = handle.read()
            name = f"{photo.caption or photo.original_name}"[:150].replace("/", "_") + photo.extension
            outgoing.append(district.OutgoingFile(PHOTOS, name, photo.content_type, content))
    sent = district.submit(
        info.pk,
        school_campaign_id=campaign.pk,
        school_campaign_title=campaign.title,
        highlights=summary.highlights if SUMMARY in info.materials else "",
        participant_count=summary.participant_count if SUMMARY in info.materials else None,
        by_name=by.get_full_name() or by.get_username(),
        files=outgoing,
    )
    summary_service.submit(campaign, by=by, request=request)
    audit.record(
        by, AuditAction.EXPORT, campaign, request=request, detail=f"sent to the district ({len(outgoing)} files)"
    )
    return sent
