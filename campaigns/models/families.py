"""Parent classes and meetings: families' registrations and attendance, materials, anonymous feedback.

A family is one child's guardians: a registration names the child (chosen by a guardian among
their own children, or by the office for a walk-in), so two guardians of one child take one place
and "families reached" counts distinct children.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models.files import StoredFile


class FamilyRegistration(models.Model):
    event = models.ForeignKey(
        "campaigns.Event", on_delete=models.CASCADE, related_name="family_registrations", verbose_name=_("event")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="family_event_registrations",
        verbose_name=_("child"),
    )
    # Who signed up; empty for a walk-in the office recorded (a family without an account may come too).
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parent_event_registrations",
        verbose_name=_("guardian"),
    )
    walk_in = models.BooleanField(_("walk-in"), default=False)
    attended_at = models.DateTimeField(_("attended"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("family registration")
        verbose_name_plural = _("family registrations")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "student"], name="one_registration_per_family")]

    def __str__(self) -> str:
        return f"{self.student} → {self.event}"


class EventMaterial(StoredFile):
    """Slides and handouts of a parent class; registered families download them after signing in."""

    event = models.ForeignKey(
        "campaigns.Event", on_delete=models.CASCADE, related_name="materials", verbose_name=_("event")
    )
    title = models.CharField(_("title"), max_length=150, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("event material")
        verbose_name_plural = _("event materials")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title or self.original_name


class FeedbackCount(models.Model):
    """How many answers an option of an item got: counts only, never one family's answers.

    No row says who answered or when, so the office cannot read one guardian's feedback back;
    ``FeedbackMarker`` only says that a guardian has answered (once).
    """

    event = models.ForeignKey("campaigns.Event", on_delete=models.CASCADE, related_name="feedback_counts")
    item = models.CharField(max_length=20)
    value = models.IntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "item", "value"], name="one_feedback_count_per_option"),
            models.CheckConstraint(condition=Q(count__gte=0), name="feedback_count_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.item}={self.value}: {self.count}"


class FeedbackMarker(models.Model):
    """A guardian has answered an event's feedback questionnaire (no answer, no time kept here)."""

    event = models.ForeignKey("campaigns.Event", on_delete=models.CASCADE, related_name="feedback_markers")
    guardian = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "guardian"], name="one_feedback_per_guardian")]

    def __str__(self) -> str:
        return f"{self.guardian_id} answered {self.event_id}"
