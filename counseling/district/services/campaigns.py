"""District campaigns: drafting, publishing, and each school's state of submission.

Side effects are audited in the district's own trail. The district sees what schools sent (their
summary and chosen files) and nothing else of theirs: no school schema is read here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling.district.models import School
from counseling.district.models_campaigns import CampaignSubmission, DistrictCampaign, DistrictCampaignStatus
from counseling.district.services.schools import schools
from counseling.models.audit import AuditAction
from counseling.services.audit import record

SUBMITTED_ON_TIME, SUBMITTED_LATE, MISSING, NOT_YET_DUE = "on_time", "late", "missing", "not_yet_due"


@transaction.atomic
def save(campaign: DistrictCampaign, *, by, request=None) -> DistrictCampaign:
    """Save a draft. Side effects: the row, an audit entry. A published campaign is not changed."""
    if (
        campaign.pk
        and DistrictCampaign.objects.filter(pk=campaign.pk, status=DistrictCampaignStatus.PUBLISHED).exists()
    ):
        raise ValidationError(_("A published district campaign cannot be changed."))
    is_new = campaign.pk is None
    if is_new:
        campaign.created_by = by
    campaign.save()
    record(by, AuditAction.CREATE if is_new else AuditAction.CHANGE, campaign, request=request)
    return campaign


@transaction.atomic
def publish(campaign: DistrictCampaign, *, by, request=None) -> DistrictCampaign:
    """Publish: every school's planner shows it from now on. Side effects: status, time, audit entry."""
    if campaign.status == DistrictCampaignStatus.PUBLISHED:
        raise ValidationError(_("This district campaign is already published."))
    campaign.status = DistrictCampaignStatus.PUBLISHED
    campaign.published_at = timezone.now()
    campaign.save(update_fields=["status", "published_at"])
    record(by, AuditAction.CHANGE, campaign, request=request, detail="published")
    return campaign


@dataclass(frozen=True)
class SchoolState:
    school: School
    state: str
    submission: CampaignSubmission | None


def states(campaign: DistrictCampaign, today: datetime.date | None = None) -> list[SchoolState]:
    """Every school with its state for the campaign: sent on time or late, missing after the due day, not yet due."""
    today = today or timezone.localdate()
    sent = {row.school_id: row for row in campaign.submissions.prefetch_related("files")}
    rows = []
    for school in schools():
        submission = sent.get(school.pk)
        if submission is not None:
            state = SUBMITTED_LATE if submission.is_late else SUBMITTED_ON_TIME
        else:
            state = MISSING if today > campaign.due_date else NOT_YET_DUE
        rows.append(SchoolState(school=school, state=state, submission=submission))
    return rows
