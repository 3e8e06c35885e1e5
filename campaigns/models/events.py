"""Events of a campaign and students' registrations for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.enums import PARENT_KINDS, CampaignStatus, EventKind
from counseling.validators import school_date


class EventQuerySet(models.QuerySet):
    def public(self) -> EventQuerySet:
        """Events anyone may see: published events of campaigns that are not drafts."""
        return self.filter(is_published=True).exclude(campaign__status=CampaignStatus.DRAFT)


class Event(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="events", verbose_name=_("campaign")
    )
    kind = models.CharField(_("type"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"), validators=school_date())
    ends_at = models.DateTimeField(_("ends"), validators=school_date())
    venue = models.ForeignKey(
        "campaigns.Venue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("venue"),
    )
    speaker = models.CharField(_("speaker or host"), max_length=120, blank=True)
    audience = models.CharField(_("audience"), max_length=150, blank=True, help_text=_("E.g. all grade 7 students."))
    grades = models.ManyToManyField(
        "counseling.Grade",
        blank=True,
        related_name="+",
        verbose_name=_("grades that may register"),
        help_text=_("Leave empty for the campaign's grades."),
    )
    registration_required = models.BooleanField(_("students register"), default=False)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True, help_text=_("Leave empty for no limit."))
    is_published = models.BooleanField(
        _("in the public programme"), default=True, help_text=_("Unticked events are seen by the office only.")
    )
    # The short questionnaire attending families answer after a parent class: a copy of the
    # instrument's choice items taken when the organiser picked it (archives.contract), so answers
    # already counted keep their meaning if the library's instrument changes later.
    feedback_code = models.CharField(_("feedback questionnaire"), max_length=40, blank=True)
    feedback_title = models.CharField(_("feedback questionnaire"), max_length=200, blank=True)
    feedback_items = models.JSONField(_("feedback items"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0), name="event_capacity_positive"
            ),
        ]
        # On PostgreSQL, migration 0002 adds an exclusion constraint: one venue, one event at a time.
        indexes = [models.Index(fields=["venue", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def for_families(self) -> bool:
        """Guardians register for it (per child) and students do not."""
        return self.kind in PARENT_KINDS


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event"))
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_registrations",
        verbose_name=_("student"),
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "student"], name="one_registration_per_student")]

    def __str__(self) -> str:
        return f"{self.student} → {self.event}"
