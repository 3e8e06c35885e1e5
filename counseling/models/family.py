"""Families: which guardian accounts belong to which students (家长与孩子)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from counseling.enums import GuardianRelation


class GuardianLinkQuerySet(models.QuerySet):
    def active(self) -> GuardianLinkQuerySet:
        """Links of active guardians to current (not graduated) students."""
        return self.filter(guardian__is_active=True, student__is_active=True, revoked_at__isnull=True)


class GuardianLink(models.Model):
    """One guardian account linked to one child. A guardian may have several children, a child
    several guardians. A link is made only from an invitation the school issued for that child
    (counseling.services.family); it is revoked, never deleted, so the history says who could see
    what and when.

    A link lets the guardian see the school's requests *to the family* about that child (consent,
    parent classes, notices). It never opens the child's counseling records.
    """

    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="child_links", verbose_name=_("guardian")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardian_links", verbose_name=_("student")
    )
    relation = models.CharField(
        _("relation"), max_length=20, choices=GuardianRelation.choices, default=GuardianRelation.OTHER
    )
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = GuardianLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("guardian link")
        verbose_name_plural = _("guardian links")
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "student"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_link_per_guardian_and_child",
            )
        ]
        indexes = [models.Index(fields=["student", "guardian"])]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.student}"
