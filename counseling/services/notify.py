"""Telling people things: in-app notifications and e-mail, always through the outbox."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from counseling.models import Notification, OutboxMessage
from counseling.services.messages import Joined, Msg, as_data
from counseling.services.queue import enqueue

log = logging.getLogger(__name__)

# A claim older than this is considered abandoned by a dead worker and may be taken again.
CLAIM_TIMEOUT = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 5


class Kind:
    """Quiet phrases for what waits, for the ``kind`` of a message.

    E-mail (and every channel outside the app) says only the kind and the link: no name, no
    topic. They are lazy and rendered in the school's language when the message is scheduled.
    """

    URGENT = gettext_lazy("an urgent matter to acknowledge")
    TASK = gettext_lazy("a matter for you to handle")
    APPOINTMENT = gettext_lazy("an appointment notice")
    DIGEST = gettext_lazy("your daily digest")
    WEEKLY = gettext_lazy("your weekly summary")
    ACCOUNT = gettext_lazy("a staff account request")
    # To families: never the child's name, only that the school wrote.
    FAMILY_NOTICE = gettext_lazy("a notice from the school")
    FAMILY_CONSENT = gettext_lazy("a consent request from the school")
    FAMILY_LINK = gettext_lazy("an invitation to link your account to a child")


def schedule(
    recipient,
    *,
    key: str,
    title: Msg | str,
    body: Msg | Joined | str = "",
    url: str = "",
    send_after: datetime.datetime | None = None,
    email: bool = True,
    kind: str = "",
    stale_after: datetime.datetime | None = None,
    sms: bool = False,
) -> bool:
    """Put one message for one person in the outbox, due at ``send_after`` (default: now).

    A message still unsent at ``stale_after`` is dropped instead of delivered late. With ``sms``
    it also goes by text message to the recipient's phone, saying only ``kind`` and a link.

    ``key`` identifies the message: scheduling the same key twice does nothing and returns False.
    Titles and bodies carry names and times only, never confidential content; they are shown in
    the app only. A ``Msg`` title or body is kept untranslated and shown in each reader's
    language (with a copy in the school's language in the text columns); plain text is kept as is. The e-mail says just ``kind`` (a quiet phrase, see ``Kind``) and the link. When the message is
    due now, a delivery task is queued after commit; the beat scan delivers it anyway if the
    broker is down.
    """
    due = send_after or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        kind, title_text, body_text = str(kind), str(title), str(body)
    _, created = OutboxMessage.objects.get_or_create(
        dedupe_key=key,
        defaults={
            "recipient": recipient,
            "title": title_text[:200],
            "body": body_text,
            "title_msg": as_data(title),
            "body_msg": as_data(body),
            "url": url,
            "kind": kind[:100],
            "send_after": due,
            "send_email": email,
            "send_sms": sms,
            "stale_after": stale_after,
        },
    )
    if created and due <= timezone.now():
        transaction.on_commit(kick_delivery)
    return created


def notify(
    recipient,
    *,
    key: str,
    title: Msg | str,
    body: Msg | Joined | str = "",
    url: str = "",
    email: bool = True,
    kind: str = "",
    sms: bool = False,
) -> bool:
    """Tell one person something now (in the app and by e-mail, and by text message with ``sms``). See ``schedule``."""
    return schedule(recipient, key=key, title=title, body=body, url=url, email=email, kind=kind, sms=sms)


def quiet_email(message: OutboxMessage) -> tuple[str, str]:
    """The subject and body of a message's e-mail: only what kind of thing waits, and the link.

    Never the title or the body: they name students next to sensitive facts, and e-mail leaves
    the school's systems. Nor the message's own link: its path says what it is about
    ("/cases/crisis/3/"). The e-mail links to the reader's notifications instead, where the
    signed-in reader finds the full notice and its link (a site path: there is no site address
    setting).
    """
    with translation.override(settings.LANGUAGE_CODE):
        kind = message.kind or _("a new message")
        subject = _("Counseling office: %(kind)s") % {"kind": kind}
        body = _("Something waits for you on the counseling office site: %(kind)s. Sign in to read it: %(link)s") % {
            "kind": kind,
            "link": reverse("notifications"),
        }
    return subject, body


def cancel(key_prefix: str) -> int:
    """Withdraw every unsent message whose key starts with ``key_prefix``; returns how many."""
    deleted, _ = OutboxMessage.objects.filter(dedupe_key__startswith=key_prefix, sent_at__isnull=True).delete()
    return deleted


# After a failed kick, further kicks are skipped for this long: each would wait out the broker's
# connection timeout, and the beat scan delivers everything anyway once the broker is back.
BROKER_BACKOFF = datetime.timedelta(seconds=30)
_broker_down_since: datetime.datetime | None = None


def kick_delivery() -> None:
    """Ask a worker to deliver due messages now; never fails or slows the caller if the broker is down."""
    global _broker_down_since
    now = timezone.now()
    if _broker_down_since is not None and now - _broker_down_since < BROKER_BACKOFF:
        return
    try:
        enqueue("counseling.deliver_outbox")
        _broker_down_since = None
    except Exception:  # noqa: BLE001 - any broker failure: the beat scan delivers later
        _broker_down_since = now
        log.warning("broker unavailable; the outbox will be delivered by the next beat scan")


def _claim(message_id: int, now: datetime.datetime) -> bool:
    """Claim one message for this worker; False if another worker has it or it is sent."""
    return bool(
        OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )


def deliver_due(limit: int = 500) -> int:
    """Deliver every due, unsent message once. Returns the number delivered.

    First every unsent message past its ``stale_after`` is marked dropped (never delivered).
    Side effects per message, in order: claim it (conditional update), create the in-app
    notification and mark it sent in one transaction, then send the e-mail if asked. A failed
    e-mail is recorded and retried by a later scan, up to MAX_ATTEMPTS, without repeating the
    in-app notification.
    """
    now = timezone.now()
    dropped = OutboxMessage.objects.filter(sent_at__isnull=True, dropped_at__isnull=True, stale_after__lte=now).update(
        dropped_at=now
    )
    if dropped:
        log.info("outbox: %s message(s) dropped: their moment had passed", dropped)
    due_ids = list(
        OutboxMessage.objects.filter(
            sent_at__isnull=True, dropped_at__isnull=True, send_after__lte=now, attempts__lt=MAX_ATTEMPTS
        )
        .order_by("send_after", "id")
        .values_list("id", flat=True)[:limit]
    )
    delivered = 0
    for message_id in due_ids:
        if not _claim(message_id, now):
            continue
        message = OutboxMessage.objects.select_related("recipient").get(pk=message_id)
        with transaction.atomic():
            if message.attempts == 1:
                Notification.objects.create(
                    user=message.recipient,
                    title=message.title,
                    body=message.body,
                    title_msg=message.title_msg,
                    body_msg=message.body_msg,
                    url=message.url,
                )
            if not (message.send_email and message.recipient.email):
                OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now())
                delivered += 1
                continue
        subject, text = quiet_email(message)
        try:
            send_mail(
                subject,
                text,
                settings.DEFAULT_FROM_EMAIL,
                [message.recipient.email],
            )
        except Exception as exc:  # noqa: BLE001 - any mail failure is retried by the next scan
            log.warning("outbox message %s: e-mail failed (%s)", message_id, type(exc).__name__)
            OutboxMessage.objects.filter(pk=message_id).update(claimed_at=None, last_error=type(exc).__name__)
            continue
        OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now())
        delivered += 1
    return delivered
