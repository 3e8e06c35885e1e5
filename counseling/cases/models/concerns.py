"""A concern passed on by a class teacher (班主任转介) or a psychology committee member.

The person who passes it on sees only that it was received and whether the student is being
followed; the office sees what they wrote.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.cases.enums import CaseStatus, ConcernStatus, ReferralUrgency
from counseling.crypto import EncryptedTextField

from .cases import Case


class ConcernQuerySet(models.QuerySet):
    def visible_to_office(self, user) -> ConcernQuerySet:
        """For counseling staff: the head counselor sees all; a counselor sees the ones nobody has
        taken up yet and those that lead to one of their own cases."""
        if user is None or not user.is_authenticated or not user.has_perm("cases.view_cases"):
            return self.none()
        if user.has_perm("cases.view_all_cases"):
            return self.all()
        return self.filter(Q(status=ConcernStatus.RECEIVED) | Q(case__in=Case.objects.visible_to(user)))

    def filed_by(self, user) -> ConcernQuerySet:
        """For the person who passed concerns on: their own, and only the status is shown."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(referred_by=user)


class Concern(models.Model):
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns_about", verbose_name=_("student")
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="concerns_filed",
        verbose_name=_("passed on by"),
    )
    category = models.ForeignKey(
        "counseling.ConcernCategory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("topic"),
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=ReferralUrgency.choices, default=ReferralUrgency.NORMAL
    )
    description = EncryptedTextField(_("what you noticed"))
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.RECEIVED)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="concerns", verbose_name=_("case")
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        verbose_name = _("passed-on concern")
        verbose_name_plural = _("passed-on concerns")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return _("Concern about %(student)s") % {"student": self.student}

    @property
    def is_being_followed(self) -> bool:
        """What the referrer may know: a case that is not closed follows the student."""
        return self.case_id is not None and self.case.status != CaseStatus.CLOSED
