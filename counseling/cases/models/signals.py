"""Risk signals (预防·预警·干预): one model for every road that says a student may not be safe.

A signal names its source, the student (None for an anonymous screening), a severity and a short
neutral reason chosen from a list — never the student's words, scores or note content. It is
routed to the responsible counselor and the head counselor, re-sent until someone acknowledges
it, and follows the student into their case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.cases.enums import Severity, SignalReason, SignalSource, SignalStatus
from counseling.crypto import EncryptedTextField
from counseling.enums import ClientKind

from .cases import Case
from .crisis import Escalation


class RiskSignalQuerySet(models.QuerySet):
    def visible_to(self, user) -> RiskSignalQuerySet:
        """The head counselor: every signal. A counselor: the signals routed to them, the signals of
        students whose case they hold, and anonymous ones (no student to protect). Nobody else."""
        if user is None or not user.is_authenticated or not user.has_perm("cases.triage_signals"):
            return self.none()
        if user.has_perm("cases.view_all_cases"):
            return self.all()
        own_students = Case.objects.active().filter(counselor=user).values("student_id")
        return self.filter(Q(counselor=user) | Q(student__in=own_students) | Q(student__isnull=True))

    def open(self) -> RiskSignalQuerySet:
        return self.filter(status=SignalStatus.OPEN)


class RiskSignal(models.Model):
    source = models.CharField(_("source"), max_length=24, choices=SignalSource.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    # A short neutral reason, in the reader's language at render time (a code, never free text).
    reason = models.CharField(_("reason"), max_length=40, choices=SignalReason.choices)
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_signals",
        verbose_name=_("student"),
    )
    # Whom the signal is about: a student (named, or anonymous), or a teacher or a guardian whose
    # own booking or letter raised it; those name nobody and never climb to the leaders.
    client_kind = models.CharField(
        _("client"), max_length=10, choices=ClientKind.choices, default=ClientKind.STUDENT, editable=False
    )
    # For an anonymous signal: the class, when the screening allows it to be known.
    school_class = models.ForeignKey(
        "counseling.SchoolClass", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What raised it: a link for the office, and a key that makes raising it twice do nothing.
    source_url = models.CharField(max_length=200, blank=True)
    source_key = models.CharField(max_length=120, unique=True)
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible counselor"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="signals", verbose_name=_("case")
    )
    escalation = models.ForeignKey(Escalation, on_delete=models.SET_NULL, null=True, blank=True, related_name="signals")
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=SignalStatus.choices, default=SignalStatus.OPEN)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    dismiss_reason = EncryptedTextField(_("why it was dismissed"), blank=True)
    # Delivery bookkeeping for the re-send scan: rounds sent, the last one, and how far it climbed
    # (0: counselor and head counselor; 1: the leaders too).
    rounds_sent = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(default=0)

    objects = RiskSignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk signal")
        verbose_name_plural = _("risk signals")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["status", "severity", "raised_at"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()} · {self.get_severity_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == SignalStatus.OPEN
