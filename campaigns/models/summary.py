"""The summary the office writes after a campaign (highlights, numbers, photos)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .files import StoredFile


class Summary(models.Model):
    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="summary", verbose_name=_("campaign")
    )
    highlights = models.TextField(_("highlights"))
    participant_count = models.PositiveIntegerField(
        _("people reached"), null=True, blank=True, help_text=_("Students, teachers and parents who took part.")
    )
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("summary")
        verbose_name_plural = _("summaries")

    def __str__(self) -> str:
        return str(self.campaign)


class SummaryPhoto(StoredFile):
    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="photos")
    caption = models.CharField(_("caption"), max_length=150, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "id"]
