"""Appointments between a student and a counselor, and the counselor's calendar feed."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.constraints import PostgresExclusionConstraint, TsTzRange
from appointments.enums import BLOCKING_STATUSES, OPEN_STATUSES, AppointmentSource, AppointmentStatus
from counseling.enums import Channel, ClientKind
from counseling.models import StudentProfile
from counseling.roles import client_kind

BLOCKING = Q(status__in=BLOCKING_STATUSES)


class AppointmentQuerySet(models.QuerySet):
    @staticmethod
    def scope_of(user) -> str:
        """Which way through the door ``user`` goes: "all", "counselor", "client" or "none" (the
        form of ``visible_to``'s query, for counseling.prepared's ``shape``)."""
        if not (user and user.is_authenticated):
            return "none"
        if user.has_perm("appointments.view_all_agendas"):
            return "all"
        if user.has_perm("appointments.view_agenda"):
            return "counselor"
        if user.has_perm("appointments.book"):
            return "client"
        return "none"

    def visible_to(self, user) -> AppointmentQuerySet:
        """The one door: students see their own, counselors theirs, the head counselor everyone's."""
        scope = self.scope_of(user)
        if scope == "all":
            return self.all()
        if scope == "counselor":
            return self.filter(counselor=user)
        if scope == "client":
            return self.filter(student=user)
        return self.none()

    def blocking(self) -> AppointmentQuerySet:
        return self.filter(BLOCKING)

    def open(self) -> AppointmentQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def upcoming(self, now=None) -> AppointmentQuerySet:
        return self.open().filter(starts_at__gt=now or timezone.now())

    def overlapping(self, starts_at, ends_at) -> AppointmentQuerySet:
        return self.blocking().filter(starts_at__lt=ends_at, ends_at__gt=starts_at)

    def for_lists(self) -> AppointmentQuerySet:
        return self.select_related("student__student_profile__school_class__grade", "counselor", "topic").order_by(
            "starts_at", "id"
        )


class Appointment(models.Model):
    """One consultation: who, with whom, when, how. Never carries session content."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("student")
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="counselor_appointments",
        verbose_name=_("counselor"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"), max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.CONFIRMED
    )
    channel = models.CharField(_("how to meet"), max_length=20, choices=Channel.choices, default=Channel.FACE_TO_FACE)
    topic = models.ForeignKey(
        "counseling.ConcernCategory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("topic"),
    )
    is_first_visit = models.BooleanField(_("first visit"), default=False)
    # The student's grade when the appointment was made (taken on creation, see save). Reports
    # group sessions by it: after the new-year rollover the student's class is in the next
    # grade, and a March session of a 初一 student must stay under 初一.
    grade = models.ForeignKey(
        "counseling.Grade",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grade at the time"),
    )
    # Who comes: a student, a teacher or a guardian (``student`` is the client whoever they are),
    # taken from the client's role on creation, like the grade. Reports count people served by it.
    client_kind = models.CharField(
        _("client"), max_length=10, choices=ClientKind.choices, default=ClientKind.STUDENT, editable=False
    )
    room = models.CharField(_("room"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=AppointmentSource.choices)
    # Follow-ups booked together share a series id, so the agenda can show them as one plan.
    series = models.UUIDField(_("series"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["counselor", "starts_at"]),
            models.Index(fields=["student", "starts_at"]),
            models.Index(fields=["starts_at", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"),
            # On every database: one slot start holds one appointment per counselor and per student.
            models.UniqueConstraint(fields=["counselor", "starts_at"], condition=BLOCKING, name="counselor_slot_once"),
            models.UniqueConstraint(fields=["student", "starts_at"], condition=BLOCKING, name="student_slot_once"),
            # On PostgreSQL: no two blocking appointments of one person overlap at all.
            PostgresExclusionConstraint(
                name="counselor_no_overlap",
                expressions=[
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("counselor", RangeOperators.EQUAL),
                ],
                condition=BLOCKING,
            ),
            PostgresExclusionConstraint(
                name="student_no_overlap",
                expressions=[
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("student", RangeOperators.EQUAL),
                ],
                condition=BLOCKING,
            ),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M} {self.student} / {self.counselor}"

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and self.student_id is not None:
            self.client_kind = client_kind(self.student)
        if self._state.adding and self.grade_id is None and self.client_kind == ClientKind.STUDENT:
            self.grade_id = (
                StudentProfile.objects.filter(user_id=self.student_id)
                .values_list("school_class__grade_id", flat=True)
                .first()
            )
        super().save(*args, **kwargs)

    @property
    def is_adult_client(self) -> bool:
        """A teacher or a guardian: no class, grade or student number to show."""
        return self.client_kind != ClientKind.STUDENT

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_upcoming(self) -> bool:
        return self.is_open and self.starts_at > timezone.now()

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A counselor's secret iCalendar address. Deleting the row revokes it."""

    counselor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.counselor)
