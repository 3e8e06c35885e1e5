"""Telling people things: in-app notifications, e-mail and text messages, always through the outbox."""

from __future__ import annotations

import datetime
import functools
import logging
import operator
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from counseling.decorators import is_sms_link_safe
from counseling.models import Notification, OutboxMessage
from counseling.services.messages import Joined, Msg, as_data
from counseling.services.queue import enqueue
from counseling.services.sms import QuietText, SmsError, mask_phone, send_sms

log = logging.getLogger(__name__)

# A claim older than this is considered abandoned by a dead worker and may be taken again.
CLAIM_TIMEOUT = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 5

# Text messages keep their own count: a text is tried at most SMS_MAX_ATTEMPTS times, the n-th try
# (from 0) no earlier than SMS_RETRY_AFTER[n] after the message was due, so a throttled provider is
# not asked again at every scan. An error marked permanent (an invalid number) is never retried:
# its sms_error starts with SMS_PERMANENT.
SMS_RETRY_AFTER = (
    datetime.timedelta(0),
    datetime.timedelta(minutes=2),
    datetime.timedelta(minutes=10),
    datetime.timedelta(hours=1),
    datetime.timedelta(hours=4),
)
SMS_MAX_ATTEMPTS = len(SMS_RETRY_AFTER)
SMS_PERMANENT = "permanent: "


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
    # To families, mostly by text message (sms=True): never the child's name, only that the school wrote.
    INVITATION = gettext_lazy("an invitation to the parents' pages")
    MESSAGE = gettext_lazy("a message from the counseling office")
    PARENT_EVENT = gettext_lazy("a school event for parents")
    FAMILY_NOTICE = gettext_lazy("a notice from the school")
    FAMILY_CONSENT = gettext_lazy("a consent request from the school")
    FAMILY_LINK = gettext_lazy("an invitation to link your account to a child")

    @classmethod
    def phrases(cls) -> set[str]:
        """Every phrase, in the active language."""
        return {str(value) for name, value in vars(cls).items() if name.isupper()}


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
    sms_link: bool = False,
) -> bool:
    """Put one message for one person in the outbox, due at ``send_after`` (default: now).

    A message still unsent at ``stale_after`` is dropped instead of delivered late. With ``sms``
    it also goes by text message to the recipient's phone, saying only ``kind`` and a link: the
    reader's notifications page, or the message's own ``url`` when its page is marked
    ``@sms_link_safe`` (an invitation or set-password link for someone who has no account yet; the
    page decides, so no flag needs storing). ``sms_link`` is the caller saying it means to send
    that link: ValueError if ``url`` is no such page. A text's ``kind`` must be one of ``Kind``'s
    phrases (ValueError otherwise): a text leaves the school, so no caller writes its words.

    ``key`` identifies the message: scheduling the same key twice does nothing and returns False.
    Titles and bodies carry names and times only, never confidential content; they are shown in
    the app only. A ``Msg`` title or body is kept untranslated and shown in each reader's
    language (with a copy in the school's language in the text columns); plain text is kept as is. The e-mail says just ``kind`` (a quiet phrase, see ``Kind``) and the link. When the message is
    due now, a delivery task is queued after commit; the beat scan delivers it anyway if the
    broker is down.
    """
    if sms_link and not (sms and link_is_sms_safe(url)):
        raise ValueError(f"sms_link needs sms=True and a url marked @sms_link_safe, not {url!r}.")
    due = send_after or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        kind, title_text, body_text = str(kind), str(title), str(body)
    if sms and kind:
        _check_text_kind(kind)
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


def _check_text_kind(kind: str) -> None:
    """A text leaves the school, so its ``kind`` (in the school's language) must be one of ``Kind``'s phrases."""
    with translation.override(settings.LANGUAGE_CODE):
        if kind not in Kind.phrases():
            raise ValueError(f"A text message's kind must be one of notify.Kind's quiet phrases, not {kind!r}.")


def text_number(phone: str, *, key: str, kind: str, url: str, stale_after: datetime.datetime) -> bool:
    """Put a text message for a phone number that has no account yet in the outbox (a guardian's
    invitation): the quiet ``kind`` and ``url``, which must be a page marked ``@sms_link_safe``.

    It is sent like every text (retried, never twice, ``send_texts``), dropped unsent at
    ``stale_after`` (when the link stops working), and its link, which carries a one-time secret,
    is blanked as soon as the text is sent or given up. Scheduling the same ``key`` twice does
    nothing and returns False.
    """
    if not link_is_sms_safe(url):
        raise ValueError(f"A text to a number carries a page marked @sms_link_safe, not {url!r}.")
    with translation.override(settings.LANGUAGE_CODE):
        kind = str(kind)
    _check_text_kind(kind)
    _, created = OutboxMessage.objects.get_or_create(
        dedupe_key=key,
        defaults={
            "recipient": None,
            "phone": phone,
            "title": kind[:200],
            "url": url,
            "kind": kind[:100],
            "send_after": timezone.now(),
            "send_email": False,
            "send_sms": True,
            "stale_after": stale_after,
        },
    )
    if created:
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
    sms_link: bool = False,
) -> bool:
    """Tell one person something now (in the app and by e-mail, and by text message with ``sms``). See ``schedule``."""
    return schedule(
        recipient, key=key, title=title, body=body, url=url, email=email, kind=kind, sms=sms, sms_link=sms_link
    )


def site_link(path: str) -> str:
    """``path`` as a link that works outside the site: absolute with ``SITE_URL``, else the path."""
    return f"{settings.SITE_URL}{path}"


def link_is_sms_safe(url: str) -> bool:
    """Whether ``url`` is a page of this site marked ``@sms_link_safe`` (its address may be texted)."""
    parts = urlsplit(url or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return False
    try:
        return is_sms_link_safe(resolve(parts.path).func)
    except Resolver404:
        return False


def quiet_text(message: OutboxMessage) -> QuietText:
    """The text message for ``message``: its quiet ``kind`` and a link, in the school's language.

    Never the title or the body (they may name a student), and never the message's own link unless
    its page is marked ``@sms_link_safe``: a path such as "/cases/crisis/3/" says what it is about,
    so every other text links to the reader's notifications page.
    """
    with translation.override(settings.LANGUAGE_CODE):
        kind = message.kind or _("a new message")
    path = message.url if link_is_sms_safe(message.url) else reverse("notifications")
    return QuietText(kind=str(kind), link=site_link(path))


def quiet_email(message: OutboxMessage) -> tuple[str, str]:
    """The subject and body of a message's e-mail: only what kind of thing waits, and the link.

    Never the title or the body: they name students next to sensitive facts, and e-mail leaves
    the school's systems. Nor the message's own link: its path says what it is about
    ("/cases/crisis/3/"). The e-mail links to the reader's notifications instead, where the
    signed-in reader finds the full notice and its link (absolute with ``SITE_URL``, else a path).
    """
    with translation.override(settings.LANGUAGE_CODE):
        kind = message.kind or _("a new message")
        subject = _("Counseling office: %(kind)s") % {"kind": kind}
        body = _("Something waits for you on the counseling office site: %(kind)s. Sign in to read it: %(link)s") % {
            "kind": kind,
            "link": site_link(reverse("notifications")),
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
    """Deliver every due, unsent message once. Returns the number delivered (in the app and by e-mail).

    First every unsent message past its ``stale_after`` is marked dropped (never delivered).
    Side effects per message, in order: claim it (conditional update), create the in-app
    notification and mark it sent in one transaction, then send the e-mail if asked. A failed
    e-mail is recorded and retried by a later scan, up to MAX_ATTEMPTS, without repeating the
    in-app notification. Then the text messages (``send_texts``): each due text is sent once
    its message's in-app notification exists, whatever became of the e-mail.
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
            if message.recipient is None:  # a text to a number (text_number): nothing to show in the app
                OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now())
                continue
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
    send_texts(limit=limit)
    return delivered


def _texts_due(now: datetime.datetime) -> Q:
    """Messages whose text is due at ``now``: asked for, not sent, not given up, not stale, its
    next try's wait over, and the in-app notification already there (the message is sent, or its
    e-mail failed and the claim was let go: each channel's failure stays its own)."""
    waited = functools.reduce(
        operator.or_,
        (Q(sms_attempts=n, send_after__lte=now - wait) for n, wait in enumerate(SMS_RETRY_AFTER)),
    )
    return (
        Q(send_sms=True, sms_sent_at__isnull=True, dropped_at__isnull=True, sms_attempts__lt=SMS_MAX_ATTEMPTS)
        & ~Q(sms_error__startswith=SMS_PERMANENT)
        & (Q(stale_after__isnull=True) | Q(stale_after__gt=now))
        & (Q(sent_at__isnull=False) | Q(claimed_at__isnull=True, attempts__gte=1))
        & waited
    )


def send_texts(limit: int = 500) -> int:
    """Send every due text message once. Returns the number sent.

    Side effects per message, in order, in one transaction: lock its row (``SELECT … FOR UPDATE
    SKIP LOCKED``: a second worker passes over a text being sent, and on PostgreSQL never waits for
    it), count the try (a conditional update: of two workers that read the same row, one sends),
    ask the SMS backend, then mark it sent (``sms_sent_at``) or record the error (``sms_error``; a
    permanent one with SMS_PERMANENT, never tried again). The lock is held while the provider
    answers (at most SMS_TIMEOUT) and ends with the worker, so a crashed worker leaves no claim
    behind: the text is tried again by a later scan.
    """
    now = timezone.now()
    due_ids = list(
        OutboxMessage.objects.filter(_texts_due(now)).order_by("send_after", "id").values_list("id", flat=True)[:limit]
    )
    sent = 0
    for message_id in due_ids:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(_texts_due(now), pk=message_id)
                .first()
            )
            if message is None:
                continue  # sent meanwhile, or another worker is sending it now
            if not OutboxMessage.objects.filter(pk=message_id, sms_attempts=message.sms_attempts).update(
                sms_attempts=F("sms_attempts") + 1
            ):
                continue
            attempt = message.sms_attempts + 1
            phone = message.phone or message.recipient.phone
            try:
                if message.recipient is not None and not message.recipient.is_active:
                    raise SmsError("inactive", permanent=True)
                if not phone:
                    raise SmsError("no_phone", permanent=True)
                provider_id = send_sms(phone, quiet_text(message))
            except Exception as exc:  # noqa: BLE001 - any backend failure is this text's error, not the scan's
                error = exc if isinstance(exc, SmsError) else SmsError(type(exc).__name__)
                # The number masked and never the text (the log goes to people who need neither).
                log.warning(
                    "outbox message %s: text to %s failed (%s, %s), try %s of %s",
                    message_id,
                    mask_phone(phone),
                    error.code,
                    "permanent" if error.permanent else "will retry",
                    attempt,
                    SMS_MAX_ATTEMPTS,
                )
                recorded = f"{SMS_PERMANENT}{error.code}" if error.permanent else error.code
                OutboxMessage.objects.filter(pk=message_id).update(sms_error=recorded[:300])
                continue
            OutboxMessage.objects.filter(pk=message_id).update(sms_sent_at=timezone.now(), sms_error="")
            log.info("outbox message %s: text to %s sent (%s)", message_id, mask_phone(phone), provider_id)
            sent += 1
    _forget_secret_links()
    return sent


def _forget_secret_links() -> int:
    """Blank the link of every text to a number (``text_number``) that is sent or given up: the link
    carries a one-time secret, which the database keeps no longer than the text needs it."""
    done = (
        Q(sms_sent_at__isnull=False)
        | Q(dropped_at__isnull=False)
        | Q(sms_error__startswith=SMS_PERMANENT)
        | Q(sms_attempts__gte=SMS_MAX_ATTEMPTS)
        | Q(stale_after__lte=timezone.now())
    )
    return OutboxMessage.objects.filter(done, recipient__isnull=True).exclude(url="").update(url="")
