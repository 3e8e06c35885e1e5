"""Group sessions (团体辅导): a counselor offers seats; students join until it is full."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from appointments.models import Appointment, GroupParticipant, GroupSession
from appointments.services.errors import BookingError
from appointments.services.slots import busy_between, closed_days, closure_for
from counseling.models.audit import AuditAction
from counseling.services import notify
from counseling.services.audit import record
from counseling.services.messages import Msg


def create_session(
    *,
    counselor,
    title: str,
    description: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    room: str,
    capacity: int,
    by,
) -> GroupSession:
    """Offer a group session. The counselor must be free then and the office open."""
    if starts_at <= timezone.now():
        raise BookingError(_("That time has already passed. Please choose a time in the future."))
    if ends_at <= starts_at:
        raise BookingError(_("The end must be after the start."))
    day = timezone.localdate(starts_at)
    closure = closure_for(closed_days(day, day, [counselor.pk]), day, counselor.pk)
    if closure:
        raise BookingError(
            _("The office is closed on %(day)s (%(reason)s).")
            % {"day": formats.date_format(day, "SHORT_DATE_FORMAT"), "reason": closure.reason}
        )
    with transaction.atomic():
        if busy_between(starts_at, ends_at, [counselor.pk]).is_busy(counselor.pk, starts_at, ends_at):
            raise BookingError(_("%(counselor)s already has an appointment at that time.") % {"counselor": counselor})
        session = GroupSession.objects.create(
            counselor=counselor,
            title=title,
            description=description,
            starts_at=starts_at,
            ends_at=ends_at,
            room=room,
            capacity=capacity,
        )
        record(by, AuditAction.CREATE, session)
    return session


def join(session: GroupSession, student) -> GroupParticipant:
    """Take a seat. Side effects: locks the session row, adds the participant, counts the seat
    (the database refuses more seats than the capacity), queues a notice to the student."""
    with transaction.atomic():
        session = GroupSession.objects.select_for_update().get(pk=session.pk)
        if session.is_cancelled:
            raise BookingError(_("This group session has been cancelled."))
        if session.starts_at <= timezone.now():
            raise BookingError(_("This group session has already started."))
        if GroupParticipant.objects.filter(session=session, student=student).exists():
            raise BookingError(_("You have already joined this group session."))
        if session.is_full:
            raise BookingError(_("This group session is full."))
        if (
            Appointment.objects.overlapping(session.starts_at, session.ends_at).filter(student=student).exists()
            or GroupParticipant.objects.filter(
                student=student,
                session__is_cancelled=False,
                session__starts_at__lt=session.ends_at,
                session__ends_at__gt=session.starts_at,
            ).exists()
        ):
            raise BookingError(_("You already have an appointment at that time."))
        try:
            with transaction.atomic():
                participant = GroupParticipant.objects.create(session=session, student=student)
                GroupSession.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + 1)
        except IntegrityError as exc:
            raise BookingError(_("This group session is full.")) from exc
        notify.notify(
            student,
            key=f"group:{session.pk}:joined:{student.pk}:{participant.pk}",
            kind=notify.Kind.APPOINTMENT,
            title=Msg(gettext_noop("You joined a group session on %(when)s"), when=session.starts_at),
            body=session.room,
            url=reverse("appointments:group_detail", args=[session.pk]),
        )
    return participant


def leave(session: GroupSession, student) -> None:
    """Give the seat back before the session starts."""
    with transaction.atomic():
        session = GroupSession.objects.select_for_update().get(pk=session.pk)
        if session.starts_at <= timezone.now():
            raise BookingError(_("This group session has already started."))
        deleted, _rows = GroupParticipant.objects.filter(session=session, student=student).delete()
        if not deleted:
            raise BookingError(_("You have not joined this group session."))
        GroupSession.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") - 1)


def cancel_session(session: GroupSession, *, by) -> None:
    """Cancel a session and tell every participant."""
    with transaction.atomic():
        session = GroupSession.objects.select_for_update().get(pk=session.pk)
        if session.is_cancelled:
            raise BookingError(_("This group session has been cancelled."))
        session.is_cancelled = True
        session.save(update_fields=["is_cancelled"])
        record(by, AuditAction.CHANGE, session, detail="cancelled")
        for participant in session.participants.select_related("student"):
            notify.notify(
                participant.student,
                key=f"group:{session.pk}:cancelled:{participant.student_id}",
                kind=notify.Kind.APPOINTMENT,
                title=Msg(gettext_noop("The group session on %(when)s is cancelled"), when=session.starts_at),
                url=reverse("appointments:groups"),
            )
