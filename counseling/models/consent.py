"""Guardian consent (监护人知情同意) per student and purpose, with its whole history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from counseling.enums import ConsentMethod, ConsentPurpose, ConsentState


class ConsentRecordQuerySet(models.QuerySet):
    def current(self) -> ConsentRecordQuerySet:
        return self.filter(is_current=True)


class ConsentRecord(models.Model):
    """What a guardian said, on which day, how we know, and who wrote it down.

    Records are never edited: a new answer is a new record, and the latest by date (then by
    entry) is the current one, marked ``is_current`` so lists and counts need no subquery.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_records", verbose_name=_("student")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    state = models.CharField(_("state"), max_length=10, choices=ConsentState.choices)
    dated = models.DateField(_("date"), help_text=_("The day the guardian signed or said it."))
    method = models.CharField(_("how"), max_length=10, choices=ConsentMethod.choices)
    reference = models.CharField(
        _("reference"), max_length=60, blank=True, help_text=_("The paper form's number, or who was on the phone.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    is_current = models.BooleanField(default=False)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-dated", "-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "purpose"], condition=Q(is_current=True), name="schoolyear_one_current_consent"
            ),
        ]
        # Named when the model lived in the school-year app; the table was renamed, the index kept.
        indexes = [models.Index(fields=["purpose", "is_current", "state"], name="schoolyear__purpose_1082a9_idx")]

    def __str__(self) -> str:
        return f"{self.student} · {self.get_purpose_display()} · {self.get_state_display()}"
