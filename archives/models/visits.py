"""Home visits (家访) by class teachers: 班主任每学年对每位学生进行一次以上的家访, and the
home–school contact card (家校联系卡) that lists them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from counseling.crypto import EncryptedTextField
from counseling.enums import GuardianRelation
from counseling.validators import past_school_date, school_date


class VisitChannel(models.TextChoices):
    HOME = "home", _("Visit at home")
    SCHOOL = "school", _("Meeting at school")
    PHONE = "phone", _("Phone call")
    VIDEO = "video", _("Video call")


class VisitTopic(models.TextChoices):
    """What a visit talked about: a fixed list, so coverage can be counted and nothing sensitive is typed here."""

    STUDY = "study", _("Learning and homework")
    HEALTH = "health", _("Health, sleep and exercise")
    FAMILY = "family", _("Family life and upbringing")
    FRIENDS = "friends", _("Friends and getting along")
    MOOD = "mood", _("Mood and well-being")
    SAFETY = "safety", _("Safety")
    SCREENS = "screens", _("Phone and screen time")
    FUTURE = "future", _("Next school and future plans")
    OTHER = "other", _("Other")


class HomeVisitQuerySet(models.QuerySet):
    def visible_to(self, user) -> HomeVisitQuerySet:
        """The one door to home visits: the counseling staff (counselors, the head counselor) see
        every visit; a class teacher the visits of the pupils now in the classes they teach (also
        those a predecessor recorded); leaders, administrators, students and guardians none.

        Whoever passes this door may read the notes too (fetch one with
        ``archives.access.get_home_visit_for``; list pupils with ``visit_students_for``).
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_perm("archives.view_home_visits"):
            return self.all()
        if user.has_perm("archives.record_home_visits"):
            return self.filter(
                student__student_profile__school_class__class_teacher=user,
                student__student_profile__school_class__is_archived=False,
                student__student_profile__is_archived=False,
            )
        return self.none()

    def done(self) -> HomeVisitQuerySet:
        return self.filter(visited_on__isnull=False)

    def planned(self) -> HomeVisitQuerySet:
        return self.filter(visited_on__isnull=True)


class HomeVisit(models.Model):
    """One visit (or contact) of a class teacher with a pupil's family: planned, then recorded.

    While ``visited_on`` is empty the visit is only planned (for ``planned_for``). The note is
    encrypted; the date, channel, who was met and the topics stay plain to be counted and listed.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="home_visits", verbose_name=_("pupil")
    )
    # The class at the time of the visit: a pupil who changes class keeps their history.
    school_class = models.ForeignKey(
        "counseling.SchoolClass", on_delete=models.PROTECT, related_name="+", verbose_name=_("class")
    )
    planned_for = models.DateField(_("planned for"), validators=school_date())
    visited_on = models.DateField(_("visited on"), null=True, blank=True, validators=past_school_date())
    channel = models.CharField(_("how"), max_length=10, choices=VisitChannel.choices, default=VisitChannel.HOME)
    met = models.CharField(
        _("who was met"), max_length=20, choices=GuardianRelation.choices, default=GuardianRelation.MOTHER
    )
    met_other = models.CharField(_("who else was met"), max_length=100, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    note = EncryptedTextField(
        _("note"),
        blank=True,
        help_text=_("Short; read by you, the counselors and the head counselor, never by school leaders."),
    )
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("visited by"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HomeVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-planned_for", "-id"]
        indexes = [models.Index(fields=["student", "visited_on"])]

    def __str__(self) -> str:
        return f"{self.student} {self.visited_on or self.planned_for}"

    @property
    def is_done(self) -> bool:
        return self.visited_on is not None

    @property
    def day(self):
        return self.visited_on or self.planned_for

    def topic_labels(self) -> list[str]:
        labels = dict(VisitTopic.choices)
        return [str(labels.get(code, code)) for code in self.topics]

    def met_label(self) -> str:
        label = str(self.get_met_display())
        return f"{label} ({self.met_other})" if self.met_other else label
