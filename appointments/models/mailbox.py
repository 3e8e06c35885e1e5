"""The online mailbox (信箱): requests and letters to the office, worked by the duty counselor."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from appointments.enums import CloseReason, MailboxKind, MailboxStatus
from counseling.crypto import EncryptedTextField
from counseling.enums import Channel, ClientKind
from counseling.roles import client_kind


class MailboxItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> MailboxItemQuerySet:
        """The one door.

        Senders see what they sent. Counselors see the unhandled items (whoever is on duty works
        them) and the ones they handled or were given; the head counselor sees every item.
        """
        if not (user and user.is_authenticated):
            return self.none()
        if user.has_perm("appointments.work_mailbox"):
            if user.has_perm("appointments.view_all_agendas"):
                return self.all()
            return self.filter(Q(status=MailboxStatus.NEW) | Q(handled_by=user) | Q(appointment__counselor=user))
        if user.has_perm("appointments.send_letter"):
            return self.filter(sender=user)
        return self.none()

    def unhandled(self) -> MailboxItemQuerySet:
        return self.filter(status=MailboxStatus.NEW)


class MailboxItem(models.Model):
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mailbox_items", verbose_name=_("sender")
    )
    # A class teacher or a psychology-committee member may write about a student (their class's).
    about_student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about student"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MailboxKind.choices, default=MailboxKind.REQUEST)
    body = EncryptedTextField(_("message"))
    preferred_channel = models.CharField(_("how to meet"), max_length=20, choices=Channel.choices, blank=True)
    # The office never shows the sender of an anonymous letter; the link is kept only so the
    # sender can read the reply.
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=MailboxStatus.choices, default=MailboxStatus.NEW)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    reply = EncryptedTextField(_("reply"), blank=True)
    close_reason = models.CharField(
        pgettext_lazy("mailbox", "reason"), max_length=20, choices=CloseReason.choices, blank=True
    )
    appointment = models.ForeignKey(
        "appointments.Appointment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The letter held a phrase of the risk lexicon when it was sent (appointments/services/lexicon.py).
    # A flag for the office, never a diagnosis, and never which words: the text stays in ``body``.
    risk_flagged = models.BooleanField(_("risk words"), default=False)
    # Set when retention removed the text (see appointments/retention.py); the item stays counted.
    redacted_at = models.DateTimeField(_("text removed"), null=True, blank=True)

    objects = MailboxItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("mailbox item")
        verbose_name_plural = _("mailbox items")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def student(self):
        """The student this item concerns, for a risk signal (None when unknown, anonymous, or when a
        teacher or a guardian wrote about themselves)."""
        if self.about_student_id:
            return self.about_student
        if self.is_anonymous or not self.sender.is_student:
            return None
        return self.sender

    @property
    def client(self):
        """Whom an appointment from this item is for: the student written about, else the sender
        (a student, a teacher or a guardian writing about themselves); None when anonymous."""
        if self.about_student_id:
            return self.about_student
        return None if self.is_anonymous else self.sender

    @property
    def sender_kind(self) -> str:
        """What the sender is (ClientKind), shown to the office; "" for an anonymous letter."""
        return "" if self.is_anonymous else client_kind(self.sender)

    @property
    def is_about_self(self) -> bool:
        return self.about_student_id is None and self.sender_kind in (ClientKind.TEACHER, ClientKind.GUARDIAN)
