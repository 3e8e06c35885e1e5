"""Required reports: each class hands in e.g. its class-meeting (主题班会) report by a deadline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from counseling.validators import school_date

from .files import StoredFile


class RequiredReport(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="reports", verbose_name=_("campaign")
    )
    title = models.CharField(_("title"), max_length=150)
    instructions = models.TextField(_("instructions"), blank=True)
    deadline = models.DateTimeField(_("deadline"), validators=school_date())

    class Meta:
        verbose_name = _("required report")
        verbose_name_plural = _("required reports")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.title


class ReportSubmission(StoredFile):
    report = models.ForeignKey(RequiredReport, on_delete=models.CASCADE, related_name="submissions")
    school_class = models.ForeignKey(
        "counseling.SchoolClass", on_delete=models.PROTECT, related_name="+", verbose_name=_("class")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("report submission")
        verbose_name_plural = _("report submissions")
        ordering = ["school_class__grade__level", "school_class__number"]
        constraints = [models.UniqueConstraint(fields=["report", "school_class"], name="one_report_per_class")]

    def __str__(self) -> str:
        return f"{self.report} · {self.school_class_id}"
