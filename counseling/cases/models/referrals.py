"""Referrals (转介) of a student to an outside institution."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from counseling.cases.enums import ReferralStatus
from counseling.crypto import EncryptedCharField, EncryptedTextField
from counseling.validators import past_school_date, school_date

from .cases import Case


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReferralQuerySet:
        return self.filter(case__in=Case.objects.visible_to(user))


class Referral(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    # Where a student was referred (e.g. a psychiatric hospital) and who took them there say as
    # much about the student as the reason does: all three are encrypted. Reports count referrals
    # by status, never by institution.
    institution = EncryptedCharField(_("institution"), max_length=150)
    referred_on = models.DateField(_("referral date"), default=timezone.localdate, validators=past_school_date())
    reason = EncryptedTextField(pgettext_lazy("referral", "reason"))
    guardian_informed = models.BooleanField(_("guardian informed"), default=False)
    escorted = models.BooleanField(_("escorted"), default=False)
    escort_by = EncryptedCharField(_("escorted by"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.MADE)
    follow_up_on = models.DateField(_("check the outcome on"), null=True, blank=True, validators=school_date())
    outcome = EncryptedTextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-id"]

    def __str__(self) -> str:
        return _("Referral to %(institution)s") % {"institution": self.institution}
