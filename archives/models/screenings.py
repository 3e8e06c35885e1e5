"""Screenings (普查): who is asked which instruments when, the invitations, answers and scores."""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from counseling.crypto import EncryptedTextField
from counseling.validators import school_date

from .instruments import Instrument


class TargetScope(models.TextChoices):
    SCHOOL = "school", _("Whole school")
    GRADES = "grades", _("Chosen grades")
    CLASSES = "classes", _("Chosen classes")


class ScreeningStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ScreeningQuerySet(models.QuerySet):
    def published(self) -> ScreeningQuerySet:
        return self.filter(status=ScreeningStatus.PUBLISHED)

    def open_now(self, now: datetime.datetime | None = None) -> ScreeningQuerySet:
        now = now or timezone.now()
        return self.published().filter(opens_at__lte=now, closes_at__gt=now)


class Screening(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("message to students"), blank=True, max_length=2000, help_text=_("Shown to students above the questions.")
    )
    term = models.ForeignKey("counseling.Term", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    scope = models.CharField(_("who is asked"), max_length=10, choices=TargetScope.choices, default=TargetScope.GRADES)
    grades = models.ManyToManyField("counseling.Grade", blank=True, related_name="+", verbose_name=_("grades"))
    classes = models.ManyToManyField("counseling.SchoolClass", blank=True, related_name="+", verbose_name=_("classes"))
    opens_at = models.DateTimeField(_("opens"), validators=school_date())
    closes_at = models.DateTimeField(_("closes"), validators=school_date())
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_(
            "Answers are not linked to names, raise no warnings and add nothing to archives. A critical answer "
            "still tells the office, without a name."
        ),
    )
    show_bands = models.BooleanField(
        _("show students their result band"),
        default=False,
        help_text=_("Off: students see an encouraging message instead of their band."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ScreeningStatus.choices, default=ScreeningStatus.DRAFT
    )
    instruments = models.ManyToManyField(Instrument, through="ScreeningInstrument", related_name="screenings")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # In a district installation: the id of the district's screening (its template, in the shared
    # schema) this screening runs. A plain number, not a key: the two rows live in different
    # schemas. The district reads only counts of the screening it names (one per template).
    district_template = models.PositiveIntegerField(null=True, blank=True, unique=True, editable=False)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="archives_screening_closes_after_opens"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ScreeningStatus.PUBLISHED

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.is_published and self.opens_at <= now < self.closes_at

    @property
    def phase(self) -> str:
        """draft, scheduled, open or closed: what a list shows."""
        now = timezone.now()
        if not self.is_published:
            return "draft"
        if now < self.opens_at:
            return "scheduled"
        if now < self.closes_at:
            return "open"
        return "closed"

    def get_phase_display(self) -> str:
        return {
            "draft": pgettext_lazy("screening phase", "Draft"),
            "scheduled": pgettext_lazy("screening phase", "Scheduled"),
            "open": pgettext_lazy("screening phase", "Open"),
            "closed": pgettext_lazy("screening phase", "Closed"),
        }[self.phase]


class ScreeningInstrument(models.Model):
    """One instrument in a screening, with the band from which its total raises a warning."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="parts")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    warn_band = models.CharField(
        _("warning from band"),
        max_length=40,
        blank=True,
        help_text=_("A total in this band or a more concerning one raises a warning. Empty: only critical items do."),
    )

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["screening", "instrument"], name="archives_unique_screening_instrument")
        ]

    def __str__(self) -> str:
        return f"{self.screening} · {self.instrument}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Not yet answered")
    SUBMITTED = "submitted", _("Answered")


class Invitation(models.Model):
    """A student asked to answer a screening, created when the screening is published.

    The student's class is copied at publication so completion figures do not move when a
    student changes class. The draft (saved, not yet submitted answers) is encrypted.
    """

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="invitations")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations")
    school_class = models.ForeignKey("counseling.SchoolClass", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    draft = EncryptedTextField(blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["screening", "student"], name="archives_one_invitation_per_student")
        ]
        indexes = [
            models.Index(fields=["screening", "status"]),
            models.Index(fields=["student", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.screening} · {self.student}"

    @property
    def is_submitted(self) -> bool:
        return self.status == InvitationStatus.SUBMITTED

    def draft_answers(self) -> dict:
        return json.loads(self.draft) if self.draft else {}


class SubmissionSource(models.TextChoices):
    ONLINE = "online", _("Answered online")
    PAPER = "paper", _("Paper answer sheet")


class SubmissionQuerySet(models.QuerySet):
    def visible_to(self, user) -> SubmissionQuerySet:
        """The one door to answers: named ones are for archive readers (the counseling staff) only.

        Students reach their own answers through their invitations; anonymous answers reach
        nobody one by one. Every view, service and list that reads submissions starts here
        (fetch one with ``archives.access.get_submission_for``).
        """
        if user is None or not user.is_authenticated or not user.has_perm("archives.view_archive"):
            return self.none()
        return self.filter(student__isnull=False)


class Submission(models.Model):
    """One student's submitted answers to a screening. Anonymous screenings keep no student."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="submissions")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="survey_submissions"
    )
    school_class = models.ForeignKey("counseling.SchoolClass", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    source = models.CharField(
        _("source"), max_length=10, choices=SubmissionSource.choices, default=SubmissionSource.ONLINE
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # {instrument code: {item id: answer}}, encrypted: test answers are confidential.
    answers = EncryptedTextField()
    # Set when retention removed the answers (see archives/retention.py); the scores stay.
    redacted_at = models.DateTimeField(_("answers removed"), null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "student"],
                condition=Q(student__isnull=False),
                name="archives_one_submission_per_student",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.screening} · {self.student or _('anonymous')}"

    def answer_data(self) -> dict:
        return json.loads(self.answers) if self.answers else {}


class ResultQuerySet(models.QuerySet):
    @staticmethod
    def scope_of(user) -> str:
        """Which way through the door ``user`` goes: "named", "own" or "none" (the form of
        ``visible_to``'s query, for counseling.prepared's ``shape``)."""
        if user is None or not user.is_authenticated:
            return "none"
        if user.has_perm("archives.view_archive"):
            return "named"
        if user.has_perm("archives.answer_survey"):
            return "own"
        return "none"

    def visible_to(self, user) -> ResultQuerySet:
        """The one door to scores: archive readers (the counseling staff) see every named result, a
        student their own; everybody else none.

        Aggregate figures (counts by grade, class and band, suppressed for small groups) are not
        read through this door: they show no one's result. Anonymous results reach their student
        only through ``archives.access.own_results_for``.
        """
        scope = self.scope_of(user)
        if scope == "named":
            return self.filter(student__isnull=False)
        if scope == "own":
            return self.filter(student=user)
        return self.none()


class Result(models.Model):
    """The score of one instrument in one submission. Screening, class and student are copied here
    so results pages and archives aggregate with one query."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="results")
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="results")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="results")
    school_class = models.ForeignKey("counseling.SchoolClass", on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="survey_results"
    )
    submitted_at = models.DateTimeField(_("submitted"))
    total = models.IntegerField(_("total"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=40, blank=True)
    band_level = models.PositiveSmallIntegerField(null=True, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    critical_items = models.JSONField(default=list, blank=True)
    is_critical = models.BooleanField(_("critical item answered"), default=False)
    # The case intakes that drew on this result. Declared here, not on the intake, so the case
    # records never depend on the archives; the table keeps the name it had when it was
    # declared on the intake. A case reads it as ``intake.screening_results``.
    intakes = models.ManyToManyField(
        "cases.Intake",
        blank=True,
        related_name="screening_results",
        db_table="cases_intake_screening_results",
        verbose_name=_("intakes that drew on it"),
    )

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "instrument"], name="archives_one_result_per_instrument"),
        ]
        indexes = [
            models.Index(fields=["screening", "instrument", "band"]),
            models.Index(fields=["student", "instrument", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.total}"

    @property
    def band_label(self) -> str:
        return self.instrument.band_label(self.band) if self.band else ""
