"""A case (个案) and what hangs directly off it: the intake, goals, follow-ups and handovers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.cases.enums import (
    CaseSource,
    CaseStatus,
    FollowUpStatus,
    Functioning,
    GoalStatus,
    IntakeMethod,
    RiskLevel,
)
from counseling.crypto import EncryptedTextField
from counseling.enums import ClientKind
from counseling.roles import client_kind
from counseling.validators import past_school_date, school_date


class CaseQuerySet(models.QuerySet):
    @staticmethod
    def scope_of(user) -> str:
        """Which way through the door ``user`` goes: "all", "counselor" or "none" (the form of
        ``visible_to``'s query, for counseling.prepared's ``shape``)."""
        if user is None or not user.is_authenticated:
            return "none"
        if user.has_perm("cases.view_all_cases"):
            return "all"
        if user.has_perm("cases.view_cases"):
            return "counselor"
        return "none"

    def visible_to(self, user) -> CaseQuerySet:
        """The one door to case records: the head counselor sees every case, a counselor their own.

        Everybody else (students, class teachers, leaders, administrators) sees none. Every view,
        list, export, print and task that reads a case, or anything hanging off one, starts here.
        A teacher's case is behind the same door: its client never sees it, nor does a leader.
        """
        scope = self.scope_of(user)
        if scope == "all":
            return self.all()
        if scope == "counselor":
            return self.filter(counselor=user)
        return self.none()

    def active(self) -> CaseQuerySet:
        """Cases that are not closed."""
        return self.exclude(status=CaseStatus.CLOSED)

    def of_students(self) -> CaseQuerySet:
        """Students' cases only: what the school leadership's figures may count (a teacher's case
        is never counted where a leader reads, however aggregated)."""
        return self.filter(client_kind=ClientKind.STUDENT)


class Case(models.Model):
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases", verbose_name=_("student")
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assigned_cases", verbose_name=_("counselor")
    )
    # Whom the case is for: a student, or a teacher the counselor follows (``student`` is the
    # client whoever they are). Taken from the client's role when the case opens.
    client_kind = models.CharField(
        _("client"), max_length=10, choices=ClientKind.choices, default=ClientKind.STUDENT, editable=False
    )
    source = models.CharField(_("source"), max_length=20, choices=CaseSource.choices)
    categories = models.ManyToManyField(
        "counseling.ConcernCategory", blank=True, related_name="cases", verbose_name=_("concern categories")
    )
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.NONE)
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-id"]
        constraints = [
            # One case at a time per student: a second counselor hears of the first instead.
            models.UniqueConstraint(
                fields=["student"], condition=~Q(status=CaseStatus.CLOSED), name="one_active_case_per_student"
            ),
            models.CheckConstraint(
                condition=Q(status=CaseStatus.CLOSED, closed_at__isnull=False)
                | (~Q(status=CaseStatus.CLOSED) & Q(closed_at__isnull=True)),
                name="case_closed_at_matches_status",
            ),
        ]
        indexes = [models.Index(fields=["counselor", "status"])]

    def __str__(self) -> str:
        return _("Case %(number)s") % {"number": self.number}

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and self.student_id is not None:
            self.client_kind = client_kind(self.student)
        super().save(*args, **kwargs)

    @property
    def is_teacher_case(self) -> bool:
        return self.client_kind == ClientKind.TEACHER

    @property
    def number(self) -> str:
        return self.format_number(self.pk)

    @staticmethod
    def format_number(pk: int | None) -> str:
        """The number a case is known by ("C00042"), from its primary key (lists that read plain rows)."""
        return f"C{pk:05d}" if pk else "—"

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED

    @property
    def is_high_risk(self) -> bool:
        return self.risk_level in RiskLevel.escalating()


class Intake(models.Model):
    """The initial assessment (初步评估): a few structured facts and an encrypted narrative."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="intake")
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate, validators=past_school_date())
    method = models.CharField(_("method"), max_length=20, choices=IntakeMethod.choices, default=IntakeMethod.INTERVIEW)
    study = models.CharField(_("study"), max_length=20, choices=Functioning.choices, default=Functioning.NOT_AFFECTED)
    relationships = models.CharField(
        _("relationships"), max_length=20, choices=Functioning.choices, default=Functioning.NOT_AFFECTED
    )
    family = models.CharField(_("family"), max_length=20, choices=Functioning.choices, default=Functioning.NOT_AFFECTED)
    sleep_and_health = models.CharField(
        _("sleep and health"), max_length=20, choices=Functioning.choices, default=Functioning.NOT_AFFECTED
    )
    asked_about_self_harm = models.BooleanField(_("asked about thoughts of self-harm"), default=False)
    risk_level = models.CharField(_("risk at intake"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.NONE)
    narrative = EncryptedTextField(_("assessment narrative"), blank=True)
    # The screening results the assessment drew on are ``intake.screening_results``, a relation
    # the archives declare (Result.intakes): the case records do not depend on the archives.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")

    def __str__(self) -> str:
        return _("Intake of %(case)s") % {"case": self.case}


class Goal(models.Model):
    """One goal of the plan (目标制定) with its status."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    description = EncryptedTextField(_("goal"))
    approach = EncryptedTextField(_("plan"), blank=True, help_text=_("How you will work towards it."))
    status = models.CharField(_("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.PLANNED)
    target_date = models.DateField(_("target date"), null=True, blank=True, validators=school_date())
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return _("Goal %(number)s") % {"number": self.pk}


class FollowUp(models.Model):
    """A follow-up (辅导跟进) due on a day; the counselor is reminded through the outbox and the digest."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("due on"), validators=school_date())
    purpose = EncryptedTextField(_("what to follow up"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.DUE)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return _("Follow-up on %(day)s") % {"day": self.due_on}

    @property
    def is_overdue(self) -> bool:
        return self.status == FollowUpStatus.DUE and self.due_on < timezone.localdate()


class RiskLowering(models.Model):
    """A counselor set a case's risk below what its student's open risk signals ask, and said why.

    The reason is the counselor's judgement about the student, so it is encrypted and read only
    inside the case; the audit entry of the change says "lowered below open signals", never why.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_lowerings")
    from_level = models.CharField(_("from"), max_length=10, choices=RiskLevel.choices)
    to_level = models.CharField(_("to"), max_length=10, choices=RiskLevel.choices)
    # The least level the open signals asked for at the time.
    floor = models.CharField(_("open signals ask for"), max_length=10, choices=RiskLevel.choices)
    reason = EncryptedTextField(_("why the risk is lower than the open signals ask"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("risk lowered below open signals")
        verbose_name_plural = _("risks lowered below open signals")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.from_level} → {self.to_level}"


class Handover(models.Model):
    """A change of counselor (交接), written by the head counselor with a note."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
    from_counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    note = EncryptedTextField(_("handover note"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.from_counselor} → {self.to_counselor}"
