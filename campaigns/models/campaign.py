"""A campaign (活动周 / 活动月 / 5·25 day) and the venues its events use."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaigns.enums import CampaignKind, CampaignStatus
from counseling.validators import school_date

DEFAULT_SUMMARY_DAYS = 7


class Venue(models.Model):
    """A place events happen (校园广场, 报告厅, 城市公园); two events never share one at the same time."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CampaignQuerySet(models.QuerySet):
    def public(self) -> CampaignQuerySet:
        """What anyone may see: everything but drafts."""
        return self.exclude(status=CampaignStatus.DRAFT)

    @staticmethod
    def scope_of(user) -> str:
        """Which way through the door ``user`` goes: "all", "public" or "none" (the form of
        ``visible_to``'s query, for counseling.prepared's ``shape``)."""
        if not (user and user.is_authenticated):
            return "none"
        if user.has_perm("campaigns.manage_campaigns"):
            return "all"
        if user.has_perm("campaigns.view_planner"):
            return "public"
        return "none"

    def visible_to(self, user) -> CampaignQuerySet:
        """The one door for staff pages: the counseling office sees drafts, other staff do not."""
        scope = self.scope_of(user)
        if scope == "all":
            return self.all()
        if scope == "public":
            return self.public()
        return self.none()

    def overlapping(self, start: datetime.date, end: datetime.date) -> CampaignQuerySet:
        return self.filter(start_date__lte=end, end_date__gte=start)


class Campaign(models.Model):
    title = models.CharField(_("title"), max_length=120)
    theme = models.CharField(_("theme"), max_length=200, help_text=_("The slogan of the campaign (主题)."))
    kind = models.CharField(_("kind"), max_length=10, choices=CampaignKind.choices, default=CampaignKind.WEEK)
    start_date = models.DateField(_("first day"), validators=school_date())
    end_date = models.DateField(_("last day"), validators=school_date())
    hosts = models.CharField(
        _("organising units"), max_length=200, blank=True, help_text=_("E.g. the counseling centre, student affairs.")
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="organised_campaigns", verbose_name=_("organisers")
    )
    for_students = models.BooleanField(_("students"), default=True)
    for_teachers = models.BooleanField(_("teachers"), default=True)
    for_parents = models.BooleanField(_("parents"), default=False)
    grades = models.ManyToManyField(
        "counseling.Grade",
        blank=True,
        related_name="+",
        verbose_name=_("grades"),
        help_text=_("Leave empty for every grade."),
    )
    goals = models.TextField(_("goals"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT, db_index=True
    )
    summary_due_days = models.PositiveSmallIntegerField(
        _("days to write the summary"),
        default=DEFAULT_SUMMARY_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("The summary is due this many days after the last day."),
    )
    template_code = models.CharField(_("template"), max_length=40, blank=True)
    # In a district installation, the district campaign this one runs under (an id in the district's
    # shared schema, so no foreign key: a single-school install has no such table).
    district_campaign_id = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="campaign_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def summary_due_date(self) -> datetime.date:
        return self.end_date + datetime.timedelta(days=self.summary_due_days)

    @property
    def is_public(self) -> bool:
        return self.status != CampaignStatus.DRAFT

    def contains(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date

    @property
    def audience_labels(self) -> list[str]:
        labels = []
        if self.for_students:
            labels.append(_("students"))
        if self.for_teachers:
            labels.append(_("teachers"))
        if self.for_parents:
            labels.append(_("parents"))
        return labels
