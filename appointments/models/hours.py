"""Opening hours: the office's rules, weekly schedules per counselor, closed days, extra sessions, the rota."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from appointments.enums import Weekday
from counseling.roles import counselor_choices
from counseling.validators import school_date


class OfficeRules(models.Model):
    """The office's booking rules: one row, edited in the app by the head counselor or an administrator."""

    office_place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Where the office is, e.g. building and room number.")
    )
    office_phone = models.CharField(_("phone"), max_length=30, blank=True)
    public_note = models.CharField(
        _("note for visitors"),
        max_length=300,
        blank=True,
        help_text=_("Shown on the public office page, e.g. “Other times by appointment.”"),
    )
    booking_horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("How many days ahead students see free times."),
    )
    max_upcoming_per_student = models.PositiveSmallIntegerField(
        _("upcoming appointments per student"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    booking_cutoff_hours = models.PositiveSmallIntegerField(
        _("booking closes (hours before)"),
        default=2,
        validators=[MaxValueValidator(168)],
        help_text=_("Students cannot book a time that starts sooner than this."),
    )
    change_cutoff_hours = models.PositiveSmallIntegerField(
        _("move or cancel until (hours before)"),
        default=4,
        validators=[MaxValueValidator(168)],
        help_text=_("After this, a student asks the office to move or cancel."),
    )
    approval_required = models.BooleanField(
        _("counselor approves bookings"),
        default=False,
        help_text=_("When on, a student's booking is a request until a counselor confirms it."),
    )
    offer_hold_hours = models.PositiveSmallIntegerField(
        _("waitlist offer holds for (hours)"), default=4, validators=[MinValueValidator(1), MaxValueValidator(72)]
    )
    first_reminder_hours = models.PositiveSmallIntegerField(
        _("first reminder (hours before)"),
        default=24,
        validators=[MaxValueValidator(168)],
        help_text=_("0 turns this reminder off."),
    )
    second_reminder_hours = models.PositiveSmallIntegerField(
        _("second reminder (hours before)"),
        default=1,
        validators=[MaxValueValidator(168)],
        help_text=_("0 turns this reminder off."),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("office rules")
        verbose_name_plural = _("office rules")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="office_rules_single_row")]

    def __str__(self) -> str:
        return str(_("Office rules"))

    @classmethod
    def load(cls) -> OfficeRules:
        """The one row, created with the defaults the first time it is asked for."""
        rules, _created = cls.objects.get_or_create(pk=1)
        return rules

    @property
    def reminder_offsets(self) -> list[datetime.timedelta]:
        hours = {self.first_reminder_hours, self.second_reminder_hours} - {0}
        return [datetime.timedelta(hours=h) for h in sorted(hours, reverse=True)]


class HoursBlock(models.Model):
    """A stretch of time a counselor is in the office, cut into slots of ``slot_minutes``."""

    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to=counselor_choices,
        verbose_name=_("counselor"),
    )
    start_time = models.TimeField(pgettext_lazy("opening hours", "from"))
    end_time = models.TimeField(pgettext_lazy("opening hours", "until"))
    room = models.CharField(_("room"), max_length=100)
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"), default=30, validators=[MinValueValidator(10), MaxValueValidator(180)]
    )
    reserved_for_key_students = models.BooleanField(
        _("reserved for key students"),
        default=False,
        help_text=_("Students do not see these slots; only a counselor can fill them."),
    )

    class Meta:
        abstract = True

    def slot_starts(self) -> list[datetime.time]:
        """The start times of the slots that fit entirely inside the block."""
        day = datetime.date(2000, 1, 3)
        start = datetime.datetime.combine(day, self.start_time)
        end = datetime.datetime.combine(day, self.end_time)
        step = datetime.timedelta(minutes=self.slot_minutes)
        starts = []
        while start + step <= end:
            starts.append(start.time())
            start += step
        return starts


class WeeklySchedule(HoursBlock):
    """Regular opening hours: every given weekday of a term, e.g. Mon 17:25-18:25 in room 301."""

    term = models.ForeignKey("counseling.Term", on_delete=models.CASCADE, related_name="+", verbose_name=_("term"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)

    class Meta:
        verbose_name = _("weekly opening hours")
        verbose_name_plural = _("weekly opening hours")
        ordering = ["weekday", "start_time", "counselor_id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="schedule_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M} {self.room}"


class ExtraSession(HoursBlock):
    """Opening hours on one date only, outside the weekly schedule."""

    date = models.DateField(_("date"), validators=school_date())

    class Meta:
        verbose_name = _("extra session")
        verbose_name_plural = _("extra sessions")
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="extra_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.start_time:%H:%M}-{self.end_time:%H:%M} {self.room}"


class ClosedDay(models.Model):
    """Days without opening hours (holidays, training): for the whole office or one counselor."""

    start_date = models.DateField(_("first day"), validators=school_date())
    end_date = models.DateField(_("last day"), validators=school_date())
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to=counselor_choices,
        verbose_name=_("counselor"),
        help_text=_("Leave empty when the whole office is closed."),
    )
    reason = models.CharField(
        pgettext_lazy("closed day", "reason"),
        max_length=200,
        help_text=_("Shown publicly, e.g. “National Day holiday”."),
    )

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="closed_end_not_before_start"),
        ]

    def __str__(self) -> str:
        return f"{self.start_date}–{self.end_date} {self.reason}"

    def covers(self, day: datetime.date, counselor_id: int) -> bool:
        return self.start_date <= day <= self.end_date and self.counselor_id in (None, counselor_id)


class DutyRotaQuerySet(models.QuerySet):
    def counselor_on(self, day: datetime.date):
        """The active counselor on the rota for ``day``'s weekday, or None."""
        entry = self.select_related("counselor").filter(weekday=day.weekday(), counselor__is_active=True).first()
        return entry.counselor if entry is not None else None


class DutyRota(models.Model):
    """Who opens the mailbox on each weekday (信箱每天由专人开箱)."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, unique=True)
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to=counselor_choices,
        verbose_name=_("counselor"),
    )

    objects = DutyRotaQuerySet.as_manager()

    class Meta:
        verbose_name = _("mailbox duty")
        verbose_name_plural = _("mailbox duty rota")
        ordering = ["weekday"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()}: {self.counselor}"
