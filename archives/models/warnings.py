"""Early warnings (预警) raised by screening results, and how the counselor handled each."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from counseling.crypto import EncryptedTextField

from .screenings import Screening, Submission

# An open warning older than this stands out on every list.
OVERDUE_AFTER = datetime.timedelta(days=2)


class WarningStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("warning status", "Open")
    CONTACTED = "contacted", _("Student contacted")
    CASE_OPENED = "case_opened", _("Case opened")
    DISMISSED = "dismissed", _("Dismissed")


class WarningQuerySet(models.QuerySet):
    @staticmethod
    def scope_of(user) -> str:
        """Which way through the door ``user`` goes: "all", "counselor" or "none" (the form of
        ``visible_to``'s query, for counseling.prepared's ``shape``)."""
        if user is None or not user.is_authenticated or not user.has_perm("archives.handle_warnings"):
            return "none"
        if user.has_perm("archives.view_all_warnings"):
            return "all"
        return "counselor"

    def visible_to(self, user) -> WarningQuerySet:
        """The one door to warnings: the head counselor sees every warning; a counselor the warnings
        assigned to them; everybody else none.

        Every list, count, panel, digest and page that shows warnings starts here -- the warning
        list and the student's archive page alike -- so every warning a page lists opens for its
        reader (fetch one with ``archives.access.get_warning_for``).
        """
        scope = self.scope_of(user)
        if scope == "all":
            return self.all()
        if scope == "counselor":
            return self.filter(counselor=user)
        return self.none()

    def open(self) -> WarningQuerySet:
        return self.filter(status=WarningStatus.OPEN)

    def overdue(self, now: datetime.datetime | None = None) -> WarningQuerySet:
        return self.open().filter(created_at__lt=(now or timezone.now()) - OVERDUE_AFTER)


class ScreeningWarning(models.Model):
    """A submission whose total reached the screening's warning band, or that answered a critical item."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="screening_warnings", verbose_name=_("student")
    )
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="warnings")
    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="warning")
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="assigned_screening_warnings",
        verbose_name=_("counselor"),
    )
    status = models.CharField(_("status"), max_length=12, choices=WarningStatus.choices, default=WarningStatus.OPEN)
    is_critical = models.BooleanField(_("critical item"), default=False)
    by_band = models.BooleanField(_("total in warning band"), default=False)
    created_at = models.DateTimeField(pgettext_lazy("warning", "raised"), default=timezone.now, db_index=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="screening_warnings",
        verbose_name=_("case"),
    )
    # The contact note or the reason for dismissing: may name people, so encrypted.
    note = EncryptedTextField(_("note"), blank=True)

    objects = WarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening warning")
        verbose_name_plural = _("screening warnings")
        ordering = ["-is_critical", "created_at", "id"]
        indexes = [models.Index(fields=["counselor", "status"]), models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return _("Screening warning for %(student)s") % {"student": self.student}

    @property
    def is_open(self) -> bool:
        return self.status == WarningStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.created_at < timezone.now() - OVERDUE_AFTER
