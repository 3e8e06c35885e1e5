"""District campaigns (区级活动) and what each school sends back after one (报送).

The district office publishes a campaign (theme, dates, what it wants back); each school runs its own
campaign under it and, within a week of the district campaign's last day (活动结束一周内), sends its
summary: the text and numbers, the summary PDF and chosen photos. The files are copied into the
district's own storage, so the district never reads a school's schema. No student is named in any
of it: the summary counts people (through the disclosure rule) and photos are the school's to choose.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.validators import school_date

__all__ = [
    "SUBMIT_WITHIN_DAYS",
    "CampaignSubmission",
    "DistrictCampaign",
    "DistrictCampaignStatus",
    "Material",
    "SubmissionFile",
]

# The school sends its materials within this many days after the district campaign's last day.
SUBMIT_WITHIN_DAYS = 7


class Material(models.TextChoices):
    SUMMARY = "summary", _("Summary text and numbers")
    PDF = "pdf", _("Summary report (PDF)")
    PHOTOS = "photos", _("Photos")


class DistrictCampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class DistrictCampaign(models.Model):
    title = models.CharField(_("title"), max_length=120)
    theme = models.CharField(_("theme"), max_length=200)
    start_date = models.DateField(_("first day"), validators=school_date())
    end_date = models.DateField(_("last day"), validators=school_date())
    description = models.TextField(_("description"), blank=True)
    # A list of Material values (a list keeps its order in PostgreSQL's jsonb).
    materials = models.JSONField(_("materials to send"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=DistrictCampaignStatus.choices, default=DistrictCampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("district campaign")
        verbose_name_plural = _("district campaigns")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="district_campaign_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def due_date(self) -> datetime.date:
        """The last day a school's materials count as on time."""
        return self.end_date + datetime.timedelta(days=SUBMIT_WITHIN_DAYS)

    @property
    def is_published(self) -> bool:
        return self.status == DistrictCampaignStatus.PUBLISHED

    def material_labels(self) -> list[str]:
        labels = dict(Material.choices)
        return [str(labels[code]) for code in self.materials if code in labels]


def submission_upload_to(instance: SubmissionFile, filename: str) -> str:
    """A random name under the district's folder; nothing of the school's file name in the path."""
    extension = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(instance.content_type, "")
    return f"district/campaigns/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class CampaignSubmission(models.Model):
    """One school's materials for one district campaign; sending again replaces them (one row per school)."""

    district_campaign = models.ForeignKey(
        DistrictCampaign, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("district campaign")
    )
    school = models.ForeignKey("district.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    # The school's own campaign (an id in the school's schema) and who sent it (a name: the
    # account lives in the school's schema, not here).
    school_campaign_id = models.PositiveIntegerField()
    school_campaign_title = models.CharField(_("the school's campaign"), max_length=120)
    highlights = models.TextField(_("highlights"), blank=True)
    participant_count = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.CharField(_("submitted by"), max_length=150)
    is_late = models.BooleanField(_("late"), default=False)
    times_sent = models.PositiveSmallIntegerField(_("times sent"), default=1)

    class Meta:
        verbose_name = _("campaign submission")
        verbose_name_plural = _("campaign submissions")
        constraints = [
            models.UniqueConstraint(fields=["district_campaign", "school"], name="one_submission_per_school"),
        ]

    def __str__(self) -> str:
        return f"{self.district_campaign} · {self.school_id}"


class SubmissionFile(models.Model):
    submission = models.ForeignKey(CampaignSubmission, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=Material.choices)
    file = models.FileField(_("file"), upload_to=submission_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.original_name
