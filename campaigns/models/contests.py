"""Class contests (评比): entries per class, judges' scores per criterion, ranked awards with points."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.enums import Award, ContestKind
from counseling.validators import school_date

from .files import StoredFile


class Contest(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="contests", verbose_name=_("campaign")
    )
    kind = models.CharField(_("type"), max_length=12, choices=ContestKind.choices)
    title = models.CharField(_("title"), max_length=150)
    requirements = models.TextField(_("requirements"), blank=True)
    deadline = models.DateTimeField(_("submission deadline"), validators=school_date())
    entries_per_class = models.PositiveSmallIntegerField(
        _("entries per class"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="judged_contests", verbose_name=_("judges")
    )
    # How many classes get each prize, and the class points (班级量化分) each prize is worth.
    first_places = models.PositiveSmallIntegerField(_("first prizes"), default=1)
    second_places = models.PositiveSmallIntegerField(_("second prizes"), default=2)
    third_places = models.PositiveSmallIntegerField(_("third prizes"), default=3)
    points_first = models.PositiveSmallIntegerField(_("points for a first prize"), default=8)
    points_second = models.PositiveSmallIntegerField(_("points for a second prize"), default=6)
    points_third = models.PositiveSmallIntegerField(_("points for a third prize"), default=4)
    points_participation = models.PositiveSmallIntegerField(_("points for taking part"), default=2)
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.title

    def points_for(self, award: str) -> int:
        return {
            Award.FIRST: self.points_first,
            Award.SECOND: self.points_second,
            Award.THIRD: self.points_third,
            Award.PARTICIPATION: self.points_participation,
        }[award]


class Criterion(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=80)
    max_points = models.PositiveSmallIntegerField(
        _("maximum points"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.max_points})"


class Entry(StoredFile):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries", verbose_name=_("contest"))
    school_class = models.ForeignKey(
        "counseling.SchoolClass", on_delete=models.PROTECT, related_name="+", verbose_name=_("class")
    )
    title = models.CharField(_("title"), max_length=150)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["school_class__grade__level", "school_class__number", "id"]
        indexes = [models.Index(fields=["contest", "school_class"])]

    def __str__(self) -> str:
        return self.title


class Score(models.Model):
    """One judge's points for one entry on one criterion."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    points = models.PositiveSmallIntegerField(_("points"))
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge", "criterion"], name="one_score_per_judge_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.judge_id}/{self.criterion_id}: {self.points}"


class ContestAward(models.Model):
    """A class's place in a finalised contest and the class points it earned."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="awards")
    school_class = models.ForeignKey("counseling.SchoolClass", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))
    award = models.CharField(_("award"), max_length=14, choices=Award.choices)
    points = models.PositiveSmallIntegerField(_("class points"))
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["rank", "school_class__grade__level", "school_class__number"]
        constraints = [models.UniqueConstraint(fields=["contest", "school_class"], name="one_award_per_class")]

    def __str__(self) -> str:
        return f"{self.contest_id}/{self.school_class_id}: {self.award}"
