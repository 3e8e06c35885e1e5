"""Crisis escalations (危机干预): who is at risk, when, and what was done; never the notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.cases.enums import CaseSource, RiskLevel
from counseling.crypto import EncryptedCharField, EncryptedTextField
from counseling.enums import ClientKind
from counseling.roles import client_kind
from counseling.validators import past_school_date

from .cases import Case


class EscalationQuerySet(models.QuerySet):
    def visible_to(self, user) -> EscalationQuerySet:
        """Head counselor: every escalation. Leaders: every student's (a teacher's crisis is the
        counseling office's alone: the leaders never see it, nor the teacher's name). A counselor:
        those of their own cases."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.has_perm("cases.view_escalations"):
            if user.has_perm("cases.view_all_cases"):
                return self.all()
            return self.filter(client_kind=ClientKind.STUDENT)
        return self.filter(case__in=Case.objects.visible_to(user))

    def unacknowledged(self) -> EscalationQuerySet:
        return self.filter(acknowledged_at__isnull=True)


class Escalation(models.Model):
    """A risk raised to high or imminent, or a crisis event: the head counselor and leaders are told.

    The facts here (who, when, risk, actions taken) are what leaders see. The narrative is
    encrypted and shown only inside the case, to the counselor and the head counselor.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="escalations", verbose_name=_("student")
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="escalations", verbose_name=_("case")
    )
    # A student's or a teacher's crisis, from the person's role when it is raised (see visible_to).
    client_kind = models.CharField(
        _("client"), max_length=10, choices=ClientKind.choices, default=ClientKind.STUDENT, editable=False
    )
    source = models.CharField(_("source"), max_length=20, choices=CaseSource.choices)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    is_crisis_event = models.BooleanField(_("crisis event"), default=False)
    occurred_at = models.DateTimeField(_("occurred"), default=timezone.now, validators=past_school_date())
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    narrative = EncryptedTextField(_("what happened"), blank=True)
    guardian_called = models.BooleanField(_("guardian called"), default=False)
    guardian_called_at = models.DateTimeField(
        _("guardian called at"), null=True, blank=True, validators=past_school_date()
    )
    # The guardian contact a crisis needs before its case may close (see Escalation.guardian_contact_settled).
    guardian_contact_by = EncryptedCharField(_("guardian contacted by"), max_length=100, blank=True)
    guardian_contact_outcome = EncryptedTextField(_("outcome of the guardian contact"), blank=True)
    guardian_not_contacted_reason = EncryptedTextField(_("why the guardian was not contacted"), blank=True)
    escorted = models.BooleanField(_("student escorted"), default=False)
    escort_by = EncryptedCharField(_("escorted by"), max_length=100, blank=True)
    hospital = models.BooleanField(_("taken to hospital"), default=False)
    hospital_name = EncryptedCharField(_("hospital"), max_length=150, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    # Delivery bookkeeping for the re-send scan: how many rounds were sent, and when the last one.
    rounds_sent = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    objects = EscalationQuerySet.as_manager()

    class Meta:
        verbose_name = _("crisis escalation")
        verbose_name_plural = _("crisis escalations")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["acknowledged_at", "last_sent_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=models.F("raised_at")),
                name="escalation_ack_after_raise",
            ),
        ]

    def __str__(self) -> str:
        return _("Crisis escalation for %(student)s") % {"student": self.student}

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and self.student_id is not None:
            self.client_kind = client_kind(self.student)
        super().save(*args, **kwargs)

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def guardian_contact_settled(self) -> bool:
        """The guardian contact is on record (time, by whom, outcome), or the reason why not."""
        contacted = bool(
            self.guardian_called
            and self.guardian_called_at
            and self.guardian_contact_by.strip()
            and self.guardian_contact_outcome.strip()
        )
        return contacted or bool(self.guardian_not_contacted_reason.strip())
