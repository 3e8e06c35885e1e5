"""Semester summaries (学期工作总结): versions of aggregate numbers plus the head counselor's narrative.

A report holds aggregates only — counts, never a student's name or any note text. Every
generation makes a new version; earlier versions are kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from counseling.models import Term


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    BUILDING = "building", _("Being built")
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")


IN_PROGRESS = (ReportStatus.QUEUED, ReportStatus.BUILDING)


class SemesterReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> SemesterReportQuerySet:
        """The one door: the head counselor sees every version, leaders and administrators the published ones."""
        if user.has_perm("reports.edit_reports"):
            return self
        if user.has_perm("reports.view_reports"):
            return self.filter(status=ReportStatus.PUBLISHED)
        return self.none()


class SemesterReport(models.Model):
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="reports", verbose_name=_("term"))
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    built_at = models.DateTimeField(_("built"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    # The aggregates, written once, in the same transaction that makes the version a draft.
    data = models.JSONField(default=dict, blank=True)
    highlights = models.TextField(_("highlights"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_plan = models.TextField(_("next term's plan"), blank=True)

    objects = SemesterReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("semester report")
        verbose_name_plural = _("semester reports")
        ordering = ["-term__start", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["term", "version"], name="unique_report_version"),
            # Generating the same term twice while a build is under way gives one version, not two.
            models.UniqueConstraint(
                fields=["term"], condition=Q(status__in=["queued", "building"]), name="one_build_per_term"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} v{self.version}"

    @property
    def is_ready(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.PUBLISHED)

    @property
    def in_progress(self) -> bool:
        return self.status in IN_PROGRESS
