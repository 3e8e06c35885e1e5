"""In-app notifications and the outbox that delivers them (and their e-mails) at the right time.

The outbox is the source of truth for everything that must reach a person: a beat task scans
it every minute, so a message is never lost when the broker is down, and a conditional update
claims each row so two workers never send the same one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from counseling.services.messages import render


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    # The text in the school's language when it was sent; rows from before December 2026 have
    # only this. The *_msg fields keep the message id and arguments, shown in the reader's language.
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    title_msg = models.JSONField(null=True, blank=True)
    body_msg = models.JSONField(null=True, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the active language (the reader's, on a page)."""
        return render(self.title_msg) if self.title_msg else self.title

    @property
    def shown_body(self) -> str:
        return render(self.body_msg) if self.body_msg else self.body


class OutboxMessage(models.Model):
    """One message for one person, due at ``send_after``: delivered once, in the app and by e-mail."""

    # Empty only for a text to a number that has no account yet (``phone``): a guardian's invitation.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    # A text message to this number instead of to the recipient: no notice in the app, no e-mail.
    # Its link carries a one-time secret, so the link is blanked once the text is sent or given up.
    phone = models.CharField(max_length=20, blank=True)
    # Identifies the message so scheduling it twice is a no-op (e.g. "appt:12:remind:24h").
    dedupe_key = models.CharField(max_length=200, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # The message ids and arguments (counseling.services.messages), copied to the notification.
    title_msg = models.JSONField(null=True, blank=True)
    body_msg = models.JSONField(null=True, blank=True)
    url = models.CharField(max_length=300, blank=True)
    # What waits, in a quiet phrase that names nobody ("an appointment notice"): the e-mail says
    # only this and the link, never the title or the body.
    kind = models.CharField(max_length=100, blank=True)
    send_email = models.BooleanField(default=True)
    # Also by text message to the recipient's phone (guardians, who have no school e-mail); the
    # text, like the e-mail, says only the quiet ``kind`` and a link (counseling.services.sms).
    send_sms = models.BooleanField(default=False)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    sms_attempts = models.PositiveSmallIntegerField(default=0)
    sms_error = models.CharField(max_length=300, blank=True)
    send_after = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    # A message that could not go out before this moment is dropped, not sent late (a reminder
    # of an appointment that has begun, after the worker was down): ``dropped_at`` says when.
    stale_after = models.DateTimeField(null=True, blank=True)
    dropped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["send_after", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | (~models.Q(phone="") & models.Q(send_sms=True)),
                name="outbox_message_reaches_someone",
            )
        ]

    def __str__(self) -> str:
        return self.dedupe_key

    @property
    def shown_title(self) -> str:
        """The title in the active language, as the recipient's notification will show it."""
        return render(self.title_msg) if self.title_msg else self.title

    @property
    def shown_body(self) -> str:
        return render(self.body_msg) if self.body_msg else self.body
