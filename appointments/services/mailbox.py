"""The mailbox (信箱): letters and requests in, the duty counselor schedules, replies or closes.

Nothing from a letter's text ever goes into a notice: notices say that something arrived or was
answered, and link to the page where the reader (after signing in) sees it.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from appointments.enums import AppointmentSource, CloseReason, MailboxKind, MailboxStatus
from appointments.models import DutyRota, MailboxItem
from appointments.services import lexicon
from appointments.services.booking import create_for_student
from appointments.services.errors import BookingError
from counseling.cases import contract as cases
from counseling.enums import ClientKind
from counseling.models.audit import AuditAction
from counseling.roles import head_counselor
from counseling.services import notify
from counseling.services.audit import record
from counseling.services.messages import Msg, choice_label

ANONYMOUS_REQUEST = gettext_lazy(
    "An anonymous letter cannot ask for an appointment: the counselors would not know whom to book. "
    "Send it with your name, or send it as a letter."
)
# Items older than this without an answer are flagged on the counselors' home page.
OVERDUE_AFTER = datetime.timedelta(days=1)


def duty_counselor(day: datetime.date):
    """The counselor who opens the mailbox on ``day`` (the rota), else the head counselor."""
    return DutyRota.objects.counselor_on(day) or head_counselor()


def overdue(queryset: QuerySet | None = None) -> QuerySet:
    queryset = MailboxItem.objects.all() if queryset is None else queryset
    return queryset.filter(status=MailboxStatus.NEW, created_at__lt=timezone.now() - OVERDUE_AFTER)


def send(*, sender, kind: str, body: str, is_anonymous: bool = False, about_student=None, preferred_channel: str = ""):
    """Post an item to the mailbox.

    Side effects, in order, in one transaction: the item, flagged when its text holds a phrase of
    the risk lexicon; for a flagged item, an urgent risk signal (reason: risk words) about the
    student it concerns (the sender, or the student a teacher wrote about; nobody when the letter
    is anonymous and names no one, or when a teacher or a guardian wrote about themselves: the
    signal then names nobody and reaches the head counselor), which tells the responsible counselor and the head counselor;
    a notice to today's duty counselor. No word of the letter, and not the phrase that matched,
    goes into the signal, a notice, a log line or the audit trail. An anonymous request for an
    appointment is refused (BookingError, nothing is posted): nobody could be booked for it.
    """
    if is_anonymous and kind == MailboxKind.REQUEST:
        raise BookingError(ANONYMOUS_REQUEST)
    with transaction.atomic():
        item = MailboxItem.objects.create(
            sender=sender,
            kind=kind,
            body=body,
            is_anonymous=is_anonymous,
            about_student=about_student,
            preferred_channel=preferred_channel,
            risk_flagged=lexicon.matches(body),
        )
        if item.risk_flagged:
            cases.raise_signal(
                source=cases.SignalSource.MAILBOX,
                severity=cases.Severity.URGENT,
                reason=cases.SignalReason.RISK_WORDS,
                key=f"appointments:mailbox:{item.pk}",
                student=item.student,
                # A teacher or a guardian writing about themselves: a signal that names nobody and
                # stays with the counseling office.
                client_kind=item.sender_kind if item.is_about_self else ClientKind.STUDENT,
                url=reverse("appointments:mailbox_item", args=[item.pk]),
                # The lexicon raised it, not the sender. Neither the sender nor the request (its
                # address) goes into the signal's audit entry, so an anonymous letter stays anonymous.
                raised_by=None,
            )
        duty = duty_counselor(timezone.localdate())
        if duty is not None:
            notify.notify(
                duty,
                key=f"mailbox:{item.pk}:new",
                kind=notify.Kind.TASK,
                title=Msg(
                    gettext_noop("New item in the mailbox (%(kind)s)"), kind=choice_label(MailboxKind, item.kind)
                ),
                url=reverse("appointments:mailbox_item", args=[item.pk]),
            )
    return item


def read(item: MailboxItem, *, by, request=None) -> None:
    """A counselor opened an item: the reading is audited (letters are confidential)."""
    record(by, AuditAction.VIEW, item, request=request, student_id=None if item.is_anonymous else item.sender_id)


def _handled(item: MailboxItem, by, status: str) -> None:
    if item.status != MailboxStatus.NEW:
        raise BookingError(_("This item has already been handled."))
    item.status = status
    item.handled_by = by
    item.handled_at = timezone.now()


def _lock(item: MailboxItem) -> MailboxItem:
    return MailboxItem.objects.select_for_update(of=("self",)).select_related("sender", "about_student").get(pk=item.pk)


def _tells_outcome(item: MailboxItem) -> bool:
    """Whether the sender may learn what the office did with the item: not a committee member
    writing about a classmate (a peer learns only that the office has it; a reply they may read)."""
    return item.about_student_id is None or item.sender.has_perm("counseling.see_referral_outcome")


def _tell_sender(item: MailboxItem, event: str, title: Msg) -> None:
    notify.notify(
        item.sender,
        key=f"mailbox:{item.pk}:{event}",
        title=title,
        url=reverse("appointments:mailbox_item", args=[item.pk]),
        sms=item.sender.is_guardian,
    )


def schedule(
    item: MailboxItem,
    *,
    by,
    counselor,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    channel: str,
    room: str = "",
    confirmed_unusual: bool = False,
    request=None,
):
    """Book an appointment from an item for the person it concerns (``MailboxItem.client``: the
    student written about, or the sender, also a teacher or a guardian writing about themselves);
    they are told (and a teacher who wrote about a student is told it was scheduled; a committee
    member who wrote about a classmate is not). Raises BookingError when nobody is known, and
    UnusualTimeError for a time outside the opening hours and the school day not ``confirmed_unusual``."""
    with transaction.atomic():
        item = _lock(item)
        student = item.client
        if student is None:
            raise BookingError(_("This item does not name a student, so no appointment can be booked from it."))
        _handled(item, by, MailboxStatus.SCHEDULED)
        appointment = create_for_student(
            counselor=counselor,
            student=student,
            starts_at=starts_at,
            ends_at=ends_at,
            channel=channel,
            room=room,
            source=AppointmentSource.MAILBOX,
            by=by,
            confirmed_unusual=confirmed_unusual,
            request=request,
        )
        item.appointment = appointment
        item.save(update_fields=["status", "handled_by", "handled_at", "appointment"])
        record(by, AuditAction.CHANGE, item, request=request, student_id=student.pk, detail="scheduled")
        if item.sender_id != student.pk and _tells_outcome(item):
            _tell_sender(
                item, "scheduled", Msg(gettext_noop("The counseling office scheduled an appointment for your request"))
            )
    return appointment


def reply(item: MailboxItem, *, by, text: str, request=None) -> None:
    """Answer an item in writing; the sender is told there is a reply (not what it says)."""
    with transaction.atomic():
        item = _lock(item)
        _handled(item, by, MailboxStatus.REPLIED)
        item.reply = text
        item.save(update_fields=["status", "handled_by", "handled_at", "reply"])
        record(by, AuditAction.CHANGE, item, request=request, detail="replied")
        _tell_sender(item, "replied", Msg(gettext_noop("The counseling office answered your message")))


def close(item: MailboxItem, *, by, reason: str, request=None) -> None:
    """Close an item with a reason (from a fixed list, safe to show the sender); the sender is told,
    unless a committee member wrote about a classmate (see ``_tells_outcome``)."""
    with transaction.atomic():
        item = _lock(item)
        _handled(item, by, MailboxStatus.CLOSED)
        item.close_reason = reason
        item.save(update_fields=["status", "handled_by", "handled_at", "close_reason"])
        record(by, AuditAction.CHANGE, item, request=request, detail=f"closed: {reason}")
        if _tells_outcome(item):
            _tell_sender(
                item,
                "closed",
                Msg(
                    gettext_noop("Your message to the counseling office was closed: %(reason)s"),
                    reason=choice_label(CloseReason, item.close_reason),
                ),
            )
