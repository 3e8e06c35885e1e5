"""The zero report (心理问题零报告): every class reports in each window, even when nothing happened."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.crypto import EncryptedTextField
from counseling.validators import school_date


class ReportingWindowQuerySet(models.QuerySet):
    def open_on(self, day: datetime.date | None = None) -> ReportingWindowQuerySet:
        day = day or timezone.localdate()
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class ReportingWindow(models.Model):
    title = models.CharField(_("title"), max_length=200)
    term = models.ForeignKey("counseling.Term", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    opens_on = models.DateField(_("opens"), validators=school_date())
    closes_on = models.DateField(_("closes"), validators=school_date())
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportingWindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting window")
        verbose_name_plural = _("reporting windows")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="archives_window_closes_after_opens"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.opens_on <= day <= self.closes_on


class ZeroReport(models.Model):
    """A class's report for one window: incidents, or explicitly nothing to report."""

    window = models.ForeignKey(ReportingWindow, on_delete=models.CASCADE, related_name="reports")
    school_class = models.ForeignKey("counseling.SchoolClass", on_delete=models.PROTECT, related_name="zero_reports")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    nothing_to_report = models.BooleanField(_("nothing to report"), default=False)
    incident_count = models.PositiveSmallIntegerField(_("students concerned"), default=0)
    incidents = EncryptedTextField(_("incidents"), blank=True)

    class Meta:
        verbose_name = _("zero report")
        verbose_name_plural = _("zero reports")
        ordering = ["window", "school_class"]
        constraints = [models.UniqueConstraint(fields=["window", "school_class"], name="archives_one_report_per_class")]

    def __str__(self) -> str:
        return f"{self.window} · {self.school_class}"
