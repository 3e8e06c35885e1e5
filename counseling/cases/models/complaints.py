"""Complaints (投诉) about the counseling service, handled by the head counselor."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.cases.enums import ComplaintStatus, ComplaintTopic
from counseling.crypto import EncryptedTextField


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user) -> ComplaintQuerySet:
        """The head counselor sees every complaint; anyone else only their own."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.has_perm("cases.handle_complaints"):
            return self.all()
        return self.filter(filed_by=user)


class Complaint(models.Model):
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    topic = models.CharField(_("about"), max_length=20, choices=ComplaintTopic.choices)
    description = EncryptedTextField(_("what happened"))
    status = models.CharField(
        _("status"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    outcome = EncryptedTextField(_("outcome"), blank=True, help_text=_("What was done; the person who filed sees it."))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return _("Complaint %(number)s") % {"number": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in (ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS)
