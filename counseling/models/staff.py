"""Two-person acts on staff accounts: the administrator proposes, a head counselor confirms.

Granting a role that reads confidential content, or resetting the password or the second factor of
someone who holds one, would otherwise let the administrator reach clinical records alone (make
themselves a counselor, or take over a counselor's account). Such a change is kept here as a
pending request and takes effect only when a head counselor confirms it with their own TOTP code.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.enums import Role

# A proposal nobody confirmed within this time lapses; the administrator proposes again if still wanted.
REQUEST_LIFETIME = datetime.timedelta(hours=72)


class StaffRequestKind(models.TextChoices):
    GRANT_ROLE = "grant_role", _("Grant a role")
    RESET_PASSWORD = "reset_password", _("Reset the password")
    RESET_TWO_FACTOR = "reset_2fa", _("Reset the second factor")


class StaffRequestState(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class StaffRequestQuerySet(models.QuerySet):
    def open(self) -> StaffRequestQuerySet:
        """Pending and not yet expired: the requests a head counselor may still confirm."""
        return self.filter(state=StaffRequestState.PENDING, expires_at__gt=timezone.now())


class StaffRequest(models.Model):
    kind = models.CharField(_("request"), max_length=20, choices=StaffRequestKind.choices)
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("staff member")
    )
    # For GRANT_ROLE: the role the target receives (and the account is activated) on confirmation.
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    state = models.CharField(_("state"), max_length=10, choices=StaffRequestState.choices, default="pending")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = StaffRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff request")
        verbose_name_plural = _("staff requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One pending request of a kind per person: a second proposal is refused, not stacked.
            models.UniqueConstraint(
                fields=["target", "kind"], condition=Q(state="pending"), name="one_pending_staff_request"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state == StaffRequestState.PENDING and self.expires_at > timezone.now()

    @property
    def is_expired(self) -> bool:
        return self.state == StaffRequestState.PENDING and self.expires_at <= timezone.now()
