"""The focus list (重点关注) and the class teachers' log (班主任心理辅导记录) for flagged pupils."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from counseling.crypto import EncryptedCharField, EncryptedTextField
from counseling.enums import Channel
from counseling.validators import school_date


class FocusLevel(models.TextChoices):
    ATTENTION = "attention", _("Attention (一般关注)")
    KEY = "key", _("Key student (重点关注)")
    INTENSIVE = "intensive", _("Intensive (特别关注)")


class FocusEntryQuerySet(models.QuerySet):
    @staticmethod
    def scope_of(user) -> str:
        """Which way through the door ``user`` goes: "all", "class_teacher" or "none" (the form of
        ``visible_to``'s query, for counseling.prepared's ``shape``)."""
        if user is None or not user.is_authenticated:
            return "none"
        if user.has_perm("archives.view_archive") or user.has_perm("archives.manage_focus_list"):
            return "all"
        if user.has_perm("archives.view_class_focus"):
            return "class_teacher"
        return "none"

    def visible_to(self, user) -> FocusEntryQuerySet:
        """The one door to the focus list: the counseling staff see every entry, past and present;
        a class teacher the active entries of pupils in the classes they teach now (their page
        shows only what is asked of them, never the counselor's note); everybody else none.

        Every view, form and list that reads focus entries starts here (fetch one with
        ``archives.access.get_focus_entry_for``).
        """
        scope = self.scope_of(user)
        if scope == "all":
            return self.all()
        if scope == "class_teacher":
            return self.for_class_teacher(user)
        return self.none()

    def active(self) -> FocusEntryQuerySet:
        return self.filter(ended_at__isnull=True)

    def for_class_teacher(self, user) -> FocusEntryQuerySet:
        """Active entries of pupils in the classes ``user`` teaches now (the class teacher's part of
        ``visible_to``)."""
        return self.active().filter(
            student__student_profile__school_class__class_teacher=user,
            student__student_profile__school_class__is_archived=False,
        )


class FocusEntry(models.Model):
    """A period during which a student is on the focus list. Ending it keeps the row as history."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="focus_entries", verbose_name=_("student")
    )
    level = models.CharField(pgettext_lazy("focus", "level"), max_length=10, choices=FocusLevel.choices)
    category = models.ForeignKey(
        "counseling.ConcernCategory", on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("focus", "reason")
    )
    teacher_request = EncryptedCharField(
        _("asked of the class teacher"),
        max_length=200,
        blank=True,
        help_text=_("What the class teacher should do, e.g. “check in weekly”. The class teacher sees only this."),
    )
    note = EncryptedTextField(_("counselor's note"), blank=True, help_text=_("Seen by counselors only."))
    started_at = models.DateTimeField(_("added"), default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    reviewed_term = models.ForeignKey(
        "counseling.Term", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("removed"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    warning = models.ForeignKey(
        "archives.ScreeningWarning", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = FocusEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("focus-list entry")
        verbose_name_plural = _("focus-list entries")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"], condition=Q(ended_at__isnull=True), name="archives_one_active_focus_entry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} ({self.get_level_display()})"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class FocusReview(models.Model):
    """A counselor's review of an entry (once a term): kept, changed level, or removed."""

    entry = models.ForeignKey(FocusEntry, on_delete=models.CASCADE, related_name="reviews")
    term = models.ForeignKey("counseling.Term", on_delete=models.SET_NULL, null=True, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed"), default=timezone.now)
    level_before = models.CharField(max_length=10, choices=FocusLevel.choices)
    level_after = models.CharField(max_length=10, choices=FocusLevel.choices, blank=True)
    ended = models.BooleanField(_("removed from the list"), default=False)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("focus-list review")
        verbose_name_plural = _("focus-list reviews")
        ordering = ["reviewed_at", "id"]

    def __str__(self) -> str:
        return f"{self.entry} @ {self.reviewed_at:%Y-%m-%d}"


class ClassLogEntryQuerySet(models.QuerySet):
    @staticmethod
    def scope_of(user) -> str:
        """Which way through the door ``user`` goes: "all", "teacher" or "none" (the form of
        ``visible_to``'s query, for counseling.prepared's ``shape``)."""
        if user is None or not user.is_authenticated:
            return "none"
        if user.has_perm("archives.view_archive"):
            return "all"
        if user.has_perm("archives.view_class_focus"):
            return "teacher"
        return "none"

    def visible_to(self, user) -> ClassLogEntryQuerySet:
        """The one door to the class teachers' log: archive readers (the counseling staff) see every
        entry; a class teacher the entries they wrote; everybody else none."""
        scope = self.scope_of(user)
        if scope == "all":
            return self.all()
        if scope == "teacher":
            return self.filter(teacher=user)
        return self.none()


class ClassLogEntry(models.Model):
    """One entry in a class teacher's log about a flagged pupil of their class."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="class_log_entries", verbose_name=_("student")
    )
    school_class = models.ForeignKey("counseling.SchoolClass", on_delete=models.PROTECT, related_name="+")
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"), default=timezone.localdate, validators=school_date())
    channel = models.CharField(_("how"), max_length=20, choices=Channel.choices, default=Channel.FACE_TO_FACE)
    text = EncryptedTextField(_("what happened"))
    # Ticked by the teacher: the office is told at once (a risk signal, see services.signals).
    is_concern = models.BooleanField(_("needs the counseling office's attention"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClassLogEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("class teacher log entry")
        verbose_name_plural = _("class teacher log entries")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.student} {self.date}"
