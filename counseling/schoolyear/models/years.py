"""The new-year rollover (学年升级): applied once per school year, with what happened to each class."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class YearRollover(models.Model):
    """The wizard applied: every class moved up into ``school_year``, the graduating classes archived.

    ``school_year`` is unique, so applying the same year twice fails in the database even when two
    administrators press the button at the same moment.
    """

    school_year = models.PositiveIntegerField(_("school year started"), unique=True)
    term = models.ForeignKey(
        "counseling.Term", on_delete=models.PROTECT, related_name="+", verbose_name=_("first term")
    )
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    classes_moved = models.PositiveIntegerField(_("classes moved up"), default=0)
    classes_archived = models.PositiveIntegerField(_("classes graduated"), default=0)
    students_archived = models.PositiveIntegerField(_("students graduated"), default=0)

    class Meta:
        verbose_name = _("new school year")
        verbose_name_plural = _("new school years")
        ordering = ["-school_year"]

    def __str__(self) -> str:
        return f"{self.school_year}–{self.school_year + 1}"


class RolloverClass(models.Model):
    """One class in a rollover: the grade it left, the grade it entered (none: it graduated), its teachers."""

    rollover = models.ForeignKey(YearRollover, on_delete=models.CASCADE, related_name="classes")
    school_class = models.ForeignKey("counseling.SchoolClass", on_delete=models.PROTECT, related_name="+")
    from_grade = models.ForeignKey("counseling.Grade", on_delete=models.PROTECT, related_name="+")
    to_grade = models.ForeignKey("counseling.Grade", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    old_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    new_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    students = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["from_grade__level", "school_class__number"]
        constraints = [
            models.UniqueConstraint(fields=["rollover", "school_class"], name="schoolyear_one_row_per_class"),
        ]

    def __str__(self) -> str:
        return f"{self.rollover}: {self.school_class_id}"

    @property
    def graduated(self) -> bool:
        return self.to_grade_id is None
