"""Session notes (辅导记录): one per attended appointment or ad hoc; signing locks them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.cases.enums import Technique
from counseling.crypto import EncryptedTextField
from counseling.enums import Channel
from counseling.validators import past_school_date

from .cases import Case


class SessionNoteQuerySet(models.QuerySet):
    def visible_to(self, user) -> SessionNoteQuerySet:
        """Notes of the cases the user may read (see ``CaseQuerySet.visible_to``)."""
        return self.filter(case__in=Case.objects.visible_to(user))

    def unsigned(self) -> SessionNoteQuerySet:
        return self.filter(signed_at__isnull=True)


class SessionNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    appointment = models.ForeignKey(
        "appointments.Appointment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="session_notes",
        verbose_name=_("appointment"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="session_notes", verbose_name=_("author")
    )
    held_on = models.DateField(_("session date"), default=timezone.localdate, validators=past_school_date())
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.FACE_TO_FACE)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=50)
    # Codes from counseling.cases.enums.Technique; a short list, validated by the form.
    techniques = models.JSONField(_("techniques"), default=list, blank=True)
    content = EncryptedTextField(_("content"), blank=True)
    analysis = EncryptedTextField(_("analysis"), blank=True)
    next_steps = EncryptedTextField(_("next steps"), blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cosigned_at = models.DateTimeField(_("co-signed"), null=True, blank=True)
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set when retention removed the text (see counseling/cases/retention.py); the row stays counted.
    redacted_at = models.DateTimeField(_("text removed"), null=True, blank=True)

    objects = SessionNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("session note")
        verbose_name_plural = _("session notes")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment"], condition=Q(appointment__isnull=False), name="one_note_per_appointment"
            ),
            models.CheckConstraint(
                condition=Q(cosigned_at__isnull=True) | Q(signed_at__isnull=False), name="cosign_after_sign"
            ),
        ]
        indexes = [models.Index(fields=["author", "signed_at"])]

    def __str__(self) -> str:
        return _("Session note of %(day)s") % {"day": self.held_on}

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def technique_labels(self) -> list[str]:
        labels = dict(Technique.choices)
        return [str(labels.get(code, code)) for code in self.techniques]


class NoteAddendum(models.Model):
    """Text added to a signed note; the note itself never changes after signing."""

    note = models.ForeignKey(SessionNote, on_delete=models.CASCADE, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("addendum"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return _("Addendum of %(time)s") % {"time": self.created_at}
