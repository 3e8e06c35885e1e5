"""The waitlist: students waiting for a time, and the offers that hold a freed slot for a while."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.enums import OfferStatus, TimeOfDay, WaitlistStatus
from counseling.enums import Channel
from counseling.roles import counselor_choices


class WaitlistEntryQuerySet(models.QuerySet):
    def waiting(self) -> WaitlistEntryQuerySet:
        return self.filter(status=WaitlistStatus.WAITING)


class WaitlistEntry(models.Model):
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries")
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to=counselor_choices,
        verbose_name=_("counselor"),
        help_text=_("Leave empty for any counselor."),
    )
    time_of_day = models.CharField(_("time of day"), max_length=20, choices=TimeOfDay.choices, default=TimeOfDay.ANY)
    channel = models.CharField(_("how to meet"), max_length=20, choices=Channel.choices, default=Channel.FACE_TO_FACE)
    status = models.CharField(
        _("status"), max_length=20, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"], condition=Q(status=WaitlistStatus.WAITING), name="one_waiting_entry_per_student"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} ({self.get_time_of_day_display()})"


class WaitlistOfferQuerySet(models.QuerySet):
    def live(self, now=None) -> WaitlistOfferQuerySet:
        return self.filter(status=OfferStatus.OPEN, expires_at__gt=now or timezone.now())


class WaitlistOffer(models.Model):
    """A freed slot held for one waiting student until ``expires_at``."""

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    counselor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.CharField(_("room"), max_length=100, blank=True)
    expires_at = models.DateTimeField(_("answer by"))
    status = models.CharField(_("status"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    objects = WaitlistOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("waitlist offer")
        verbose_name_plural = _("waitlist offers")
        ordering = ["created_at", "id"]
        constraints = [
            # A slot is held for one student at a time.
            models.UniqueConstraint(
                fields=["counselor", "starts_at"], condition=Q(status=OfferStatus.OPEN), name="one_open_offer_per_slot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry.student} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.status == OfferStatus.OPEN and self.expires_at > timezone.now()
