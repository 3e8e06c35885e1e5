"""A student's data handed out on request (个人信息查阅复制): who, when, why, and what was in it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataExport(models.Model):
    """One ZIP made for one student. The file itself is not kept; its digest is, to recognise it later."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("student")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("made by")
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    reason = models.CharField(_("request"), max_length=200)
    includes_confidential = models.BooleanField(_("with case records"), default=False)
    confidential_reason = models.CharField(_("why case records are included"), max_length=200, blank=True)
    files = models.JSONField(default=list, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.student} {self.created_at:%Y-%m-%d}"
