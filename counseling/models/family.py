"""Families: which guardian accounts belong to which students (家长与孩子)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.enums import ConsentPurpose, GuardianRelation, InvitationChannel, NoticeAudience


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


class GuardianInvitationQuerySet(models.QuerySet):
    def open(self, now=None) -> GuardianInvitationQuerySet:
        """Not used, not withdrawn, not expired."""
        return self.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now())

    def usable(self, now=None) -> GuardianInvitationQuerySet:
        """Open, and, for a link asked for with a slip's code, that slip still open too."""
        now = now or timezone.now()
        slip_open = Q(slip__used_at__isnull=True, slip__revoked_at__isnull=True, slip__expires_at__gt=now)
        return self.open(now).filter(Q(slip__isnull=True) | slip_open)


class GuardianInvitation(models.Model):
    """An invitation for a guardian to link an account to one pupil.

    Only a hash of its secret (the link's token or the slip's code) is stored: the secret is shown
    once, to the person who issued it. An invitation is single use, expires, and is withdrawn when
    a new one of the same channel is issued for the same pupil (and, for a link, the same phone).
    A slip names no phone. Signed out, its code only asks for a link texted to a phone (a LINK
    invitation with ``slip`` set): opening that link on the phone proves it and uses up the slip too.
    A guardian already signed in uses the slip's code directly.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("student")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=InvitationChannel.choices)
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    name = models.CharField(_("guardian's name"), max_length=60, blank=True)
    relation = models.CharField(
        _("relation"), max_length=20, choices=GuardianRelation.choices, default=GuardianRelation.OTHER
    )
    secret_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("used by")
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # A link texted to the phone typed with a slip's code: usable only while that slip is open.
    slip = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("slip")
    )
    # A slip's count of texted links asked for with its code (bounded: a slip cannot text on forever).
    link_requests = models.PositiveSmallIntegerField(_("links asked for"), default=0)

    objects = GuardianInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("guardian invitation")
        verbose_name_plural = _("guardian invitations")
        indexes = [models.Index(fields=["student", "channel"]), models.Index(fields=["phone"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.student}"


class ConsentRequest(models.Model):
    """A request to the guardians of a class to give or refuse consent for a purpose, online.

    The answers are ordinary consent records (method ONLINE, reference = this request's id), so
    screenings and the staff consent pages read them as they read paper forms.
    """

    school_class = models.ForeignKey(
        "counseling.SchoolClass", on_delete=models.CASCADE, related_name="consent_requests", verbose_name=_("class")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    explanation = models.TextField(_("explanation"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("sent by")
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent request")
        verbose_name_plural = _("consent requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.school_class}"

    @property
    def reference(self) -> str:
        """What the consent records answering this request carry as their reference."""
        return f"online request #{self.pk}"


class FamilyNotice(models.Model):
    """A short notice to the guardians of a class, a grade or the whole school (家长通知)."""

    audience = models.CharField(_("to"), max_length=10, choices=NoticeAudience.choices)
    school_class = models.ForeignKey(
        "counseling.SchoolClass",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("class"),
    )
    grade = models.ForeignKey(
        "counseling.Grade", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("grade")
    )
    title = models.CharField(_("title"), max_length=80)
    text = models.TextField(_("text"), max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("sent by")
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("guardians reached"), default=0)

    class Meta:
        verbose_name = _("family notice")
        verbose_name_plural = _("family notices")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
