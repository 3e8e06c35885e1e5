"""People and the school directory: users with one role, terms, grades, classes, students."""

from __future__ import annotations

import datetime
import functools

import rules
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from counseling.enums import Gender, Role


class User(AbstractUser):
    """A person who signs in. Each has exactly one role; what a role may do is in counseling.roles."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STUDENT)
    # Chinese names do not split into first and last name; keep the whole name in one field.
    name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Set when the office hands out a password on a sign-in sheet; cleared when the user picks
    # their own (counseling.middleware.RequirePasswordChangeMiddleware sends them there first).
    must_change_password = models.BooleanField(_("must change password at next sign-in"), default=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["role"])]

    def __str__(self) -> str:
        return self.name or self.username

    def get_full_name(self) -> str:
        return self.name or self.username

    def get_short_name(self) -> str:
        return self.name or self.username

    def has_perm(self, perm: str, obj=None) -> bool:
        # Django grants an active superuser every permission. The role table's permissions
        # (counseling.roles) are not Django's to grant: a superuser (who runs the Django admin) holds
        # them only through their role, so that flag never opens a confidential page of the product.
        if self.is_superuser and rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    @property
    def is_student(self) -> bool:
        return self.role == Role.STUDENT

    @property
    def is_guardian(self) -> bool:
        return self.role == Role.GUARDIAN


class TermQuerySet(models.QuerySet):
    def current(self) -> Term | None:
        return self.filter(is_current=True).first()


class Term(models.Model):
    """A semester (学期). Exactly one is current at a time."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    school_year = models.PositiveIntegerField(
        _("school year"), help_text=_("The calendar year in which the school year starts.")
    )
    semester = models.PositiveSmallIntegerField(_("semester"), choices=[(1, _("First")), (2, _("Second"))])
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    is_current = models.BooleanField(_("current"), default=False)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_term"),
            models.UniqueConstraint(fields=["school_year", "semester"], name="unique_semester"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="term_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.name

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


class Grade(models.Model):
    """A year group (年级), ordered by level: 1 is the first year of the school."""

    level = models.PositiveSmallIntegerField(_("level"), unique=True)
    name = models.CharField(_("name"), max_length=30)
    is_graduating = models.BooleanField(
        _("graduating grade"), default=False, help_text=_("Its classes leave the school at the end of the year.")
    )

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["level"]

    def __str__(self) -> str:
        return self.name


class SchoolClassQuerySet(models.QuerySet):
    def active(self) -> SchoolClassQuerySet:
        return self.filter(is_archived=False)


class SchoolClass(models.Model):
    """A class (班级) of students, with its class teacher (班主任)."""

    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="classes", verbose_name=_("grade"))
    number = models.PositiveSmallIntegerField(_("class number"))
    entry_year = models.PositiveIntegerField(_("year of entry"))
    class_teacher = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="taught_classes",
        limit_choices_to={"role": Role.CLASS_TEACHER},
        verbose_name=_("class teacher"),
    )
    is_archived = models.BooleanField(_("archived"), default=False)

    objects = SchoolClassQuerySet.as_manager()

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["grade__level", "number"]
        constraints = [
            # Two active classes never share a grade and number; archived ones keep their old place.
            models.UniqueConstraint(
                fields=["grade", "number"], condition=Q(is_archived=False), name="unique_active_class"
            ),
        ]

    def __str__(self) -> str:
        return self.label(self.grade.name, self.number)

    @property
    def name(self) -> str:
        return _("Class %(number)d") % {"number": self.number}

    @staticmethod
    def label(grade_name: str, number: int) -> str:
        """A class as pages name it ("Grade 7 Class 2"), from its grade's name and its number, for
        lists that read plain values instead of instances (translated now, not through lazy strings:
        lists call it once a row; each label is made once a process and language)."""
        return _class_label(get_language(), grade_name, number)


@functools.lru_cache(maxsize=2048)
def _class_label(language: str | None, grade_name: str, number: int) -> str:
    """``SchoolClass.label`` in ``language``, the active language (part of the key only)."""
    return gettext("%(grade)s %(class)s") % {
        "grade": grade_name,
        "class": gettext("Class %(number)d") % {"number": number},
    }


class StudentProfileQuerySet(models.QuerySet):
    def active(self) -> StudentProfileQuerySet:
        return self.filter(is_archived=False)


class StudentProfile(models.Model):
    """What the school directory holds about a student."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="student_profile")
    student_number = models.CharField(_("student number"), max_length=30, unique=True)
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="students", verbose_name=_("class")
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    date_of_birth = models.DateField(_("date of birth"))
    guardian_name = models.CharField(_("guardian name"), max_length=100, blank=True)
    guardian_phone = models.CharField(_("guardian phone"), max_length=30, blank=True)
    is_committee_member = models.BooleanField(
        _("psychology committee member"),
        default=False,
        help_text=_("A trained class psychology committee member (班级心理委员)."),
    )
    is_archived = models.BooleanField(_("archived"), default=False)

    objects = StudentProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("student profile")
        verbose_name_plural = _("student profiles")
        ordering = ["school_class__grade__level", "school_class__number", "student_number"]

    def __str__(self) -> str:
        return f"{self.user} ({self.student_number})"

    def age_on(self, day: datetime.date | None = None) -> int:
        day = day or timezone.localdate()
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
