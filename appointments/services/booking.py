"""Booking, moving, cancelling and recording appointments: the one path every change goes through.

Never a double booking. On PostgreSQL the database refuses two blocking appointments of one
counselor or one student that overlap (exclusion constraints), and the student's row is locked
so their own rules (at most N upcoming) hold under concurrent requests. On SQLite every write
transaction starts with ``BEGIN IMMEDIATE`` (settings), so bookings are serialised. Either way a
lost race ends as ``SlotTakenError`` ("this time was just taken"), never as an error page.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from appointments.enums import OPEN_STATUSES, AppointmentSource, AppointmentStatus
from appointments.models import Appointment, GroupParticipant, GroupSession, OfficeRules, WaitlistOffer
from appointments.services import notices, waitlist
from appointments.services.errors import BookingError, SlotTakenError
from appointments.services.limits import check_student_limit
from appointments.services.slots import Slot, busy_between, closed_days, closure_for, office_slots
from appointments.services.timing import check_usual_time, term_gap, unusual_time
from counseling.cases import contract as cases
from counseling.enums import Channel
from counseling.models import Term, User
from counseling.models.audit import AuditAction
from counseling.services import notify
from counseling.services.audit import record
from counseling.services.messages import Msg


def lock_person(user) -> None:
    """Serialise one person's bookings until the transaction ends (a row lock on PostgreSQL)."""
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


def is_first_visit(student, exclude_pk: int | None = None) -> bool:
    """True when the student has never been seen and has no other appointment ahead."""
    others = Appointment.objects.filter(
        student=student,
        status__in=[AppointmentStatus.ATTENDED, AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED],
    )
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    return not others.exists()


def check_slot(
    counselor_id: int,
    starts_at: datetime.datetime,
    *,
    rules: OfficeRules,
    student_id: int | None = None,
    exclude_appointment: int | None = None,
    for_student: bool = True,
) -> Slot:
    """The free slot of ``counselor_id`` starting at ``starts_at``, or a BookingError saying why not.

    Checks, in order: in the past, inside the booking cut-off, beyond the horizon (students
    only), closed day, outside opening hours, reserved for key students (students only), taken
    or held for someone on the waitlist.
    """
    now = timezone.now()
    if starts_at <= now:
        raise BookingError(_("That time has already passed. Please choose a time in the future."))
    if for_student:
        if starts_at < now + datetime.timedelta(hours=rules.booking_cutoff_hours):
            raise BookingError(
                ngettext(
                    "Booking closes %(hours)d hour before the start. Please choose a later time.",
                    "Booking closes %(hours)d hours before the start. Please choose a later time.",
                    rules.booking_cutoff_hours,
                )
                % {"hours": rules.booking_cutoff_hours}
            )
        last_day = timezone.localdate(now) + datetime.timedelta(days=rules.booking_horizon_days)
        if timezone.localdate(starts_at) > last_day:
            raise BookingError(
                ngettext(
                    "You can book at most %(days)d day ahead.",
                    "You can book at most %(days)d days ahead.",
                    rules.booking_horizon_days,
                )
                % {"days": rules.booking_horizon_days}
            )
    day = timezone.localdate(starts_at)
    closure = closure_for(closed_days(day, day, [counselor_id]), day, counselor_id)
    if closure:
        raise BookingError(
            _("The office is closed on %(day)s (%(reason)s).")
            % {"day": formats.date_format(day, "SHORT_DATE_FORMAT"), "reason": closure.reason}
        )
    slot = next((s for s in office_slots(day, day, [counselor_id]) if s.starts_at == starts_at), None)
    if slot is None:
        raise BookingError(_("That time is not within the opening hours. Please choose one of the free times."))
    if slot.reserved and for_student:
        raise BookingError(_("That time is kept for students the counselors invite. Please choose another time."))
    busy = busy_between(slot.starts_at, slot.ends_at, [counselor_id], exclude_appointment=exclude_appointment)
    if busy.is_busy(counselor_id, slot.starts_at, slot.ends_at):
        raise SlotTakenError()
    holder = busy.held_for(counselor_id, slot.starts_at)
    if holder is not None and holder != student_id:
        raise SlotTakenError()
    return slot


def _student_overlap(student, starts_at, ends_at, exclude_pk: int | None = None) -> bool:
    """True when the student has another appointment or a group seat at that time."""
    clash = Appointment.objects.overlapping(starts_at, ends_at).filter(student=student)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    seats = GroupParticipant.objects.filter(
        student=student, session__is_cancelled=False, session__starts_at__lt=ends_at, session__ends_at__gt=starts_at
    )
    return clash.exists() or seats.exists()


def _save_or_taken(appointment: Appointment, update_fields: list[str] | None = None) -> None:
    """Write the row in a savepoint; a constraint violation means someone else got the time."""
    try:
        with transaction.atomic():
            appointment.save(update_fields=update_fields)
    except IntegrityError as exc:
        raise SlotTakenError() from exc


def signal_risk_topic(appointment: Appointment, *, raised_by=None, request=None) -> None:
    """An appointment whose topic signals risk raises an urgent risk signal about its student.

    Once per appointment (the signal's key is the appointment's). The signal routes to the
    student's responsible counselor and the head counselor and links to the appointment; the
    notices they get name neither the student nor the topic. A teacher's or a guardian's booking
    raises a signal that names nobody: it goes to the head counselor, who opens the appointment,
    and it never reaches a student's case or the leaders' crisis pages.
    """
    if appointment.topic is None or not appointment.topic.signals_risk:
        return
    cases.raise_signal(
        source=cases.SignalSource.BOOKING_TOPIC,
        severity=cases.Severity.URGENT,
        reason=cases.SignalReason.RISK_CATEGORY,
        key=f"appointments:appointment:{appointment.pk}",
        student=None if appointment.is_adult_client else appointment.student,
        client_kind=appointment.client_kind,
        url=reverse("appointments:detail", args=[appointment.pk]),
        raised_by=raised_by,
        request=request,
    )


def _valid_channel(channel: str) -> str:
    if channel not in Channel.values:
        raise BookingError(_("Choose how you want to meet."))
    return channel


def book(
    student,
    *,
    counselor,
    starts_at: datetime.datetime,
    channel: str,
    topic=None,
    source: str = AppointmentSource.ONLINE,
    offer: WaitlistOffer | None = None,
    request=None,
) -> Appointment:
    """A student books a free slot (with ``counselor``, or with whoever is free when it is None).

    A class teacher or a guardian books for themselves the same way and under the same rules (the
    limit of upcoming appointments, first visit, the cut-off and horizon, times kept for key
    students, the waitlist): ``student`` is the client, and the appointment takes their kind.

    Side effects, in order: locks the student's row; checks the student's limit and the slot;
    inserts the appointment (REQUESTED in approval mode, else CONFIRMED), marked first visit
    when it is; writes the audit entry; queues notices to student and counselor and, when
    confirmed, the reminders; raises an urgent risk signal when the topic signals risk
    (``signal_risk_topic``); settles the student's waitlist entry and offers. Raises
    BookingError (or SlotTakenError when someone else got the time first); nothing changes then.
    """
    rules = OfficeRules.load()
    _valid_channel(channel)
    try:
        with transaction.atomic():
            lock_person(student)
            check_student_limit(student, rules)
            if counselor is not None:
                candidates = [counselor.pk]
            else:
                day = timezone.localdate(starts_at)
                candidates = [
                    s.counselor_id for s in office_slots(day, day) if s.starts_at == starts_at and not s.reserved
                ]
                if not candidates:
                    raise BookingError(
                        _("That time is not within the opening hours. Please choose one of the free times.")
                    )
            first_visit = is_first_visit(student)
            problems: list[BookingError] = []
            appointment = None
            for counselor_id in candidates:
                try:
                    slot = check_slot(counselor_id, starts_at, rules=rules, student_id=student.pk)
                    if _student_overlap(student, slot.starts_at, slot.ends_at):
                        raise BookingError(_("You already have an appointment at that time."))
                    appointment = Appointment(
                        student=student,
                        counselor_id=counselor_id,
                        starts_at=slot.starts_at,
                        ends_at=slot.ends_at,
                        room=slot.room,
                        channel=channel,
                        topic=topic,
                        is_first_visit=first_visit,
                        source=source,
                        status=AppointmentStatus.REQUESTED if rules.approval_required else AppointmentStatus.CONFIRMED,
                        created_by=student,
                        status_changed_at=timezone.now(),
                    )
                    _save_or_taken(appointment)
                    break
                except BookingError as exc:
                    appointment = None
                    problems.append(exc)
            if appointment is None:
                taken = [p for p in problems if isinstance(p, SlotTakenError)]
                raise taken[0] if taken else problems[0]
            record(student, AuditAction.CREATE, appointment, request=request, student_id=student.pk, detail="booked")
            notices.booked(appointment, by=student)
            if appointment.status == AppointmentStatus.CONFIRMED:
                notices.schedule_reminders(appointment, rules)
            # The student chose the topic; the rule, not the student, raises the signal.
            signal_risk_topic(appointment, request=request)
            waitlist.after_booking(student, offer)
    except IntegrityError as exc:
        raise SlotTakenError() from exc
    return appointment


def accept_offer(offer: WaitlistOffer, *, request=None) -> Appointment:
    """Book the held slot of a waitlist offer for the student it was offered to (see ``book``)."""
    if not offer.is_live:
        raise BookingError(_("This offer has run out. You are still on the waitlist."))
    return book(
        offer.entry.student,
        counselor=offer.counselor,
        starts_at=offer.starts_at,
        channel=offer.entry.channel,
        source=AppointmentSource.WAITLIST,
        offer=offer,
        request=request,
    )


def check_time_free(
    *,
    counselor,
    student,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    exclude_pk: int | None = None,
) -> None:
    """For counselors booking or moving at any time: the day, closures and both people's agendas."""
    if ends_at <= starts_at:
        raise BookingError(_("The end must be after the start."))
    if timezone.localdate(starts_at) < timezone.localdate():
        raise BookingError(_("That day has passed. Please choose today or a later day."))
    day = timezone.localdate(starts_at)
    closure = closure_for(closed_days(day, day, [counselor.pk]), day, counselor.pk)
    if closure:
        raise BookingError(
            _("The office is closed on %(day)s (%(reason)s).")
            % {"day": formats.date_format(day, "SHORT_DATE_FORMAT"), "reason": closure.reason}
        )
    busy = busy_between(starts_at, ends_at, [counselor.pk], exclude_appointment=exclude_pk)
    if busy.is_busy(counselor.pk, starts_at, ends_at):
        raise BookingError(_("%(counselor)s already has an appointment at that time.") % {"counselor": counselor})
    holder = busy.held_for(counselor.pk, starts_at)
    if holder is not None and holder != student.pk:
        raise BookingError(_("That time is offered to a student on the waitlist right now."))
    if _student_overlap(student, starts_at, ends_at, exclude_pk):
        raise BookingError(_("%(student)s already has an appointment at that time.") % {"student": student})


def create_for_student(
    *,
    counselor,
    student,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    channel: str,
    by,
    topic=None,
    room: str = "",
    source: str = AppointmentSource.WALK_IN,
    series: uuid.UUID | None = None,
    send_notice: bool = True,
    confirmed_unusual: bool = False,
    request=None,
) -> Appointment:
    """A counselor books a student at any time (walk-in, phone, mailbox, follow-up, key-student slot).

    A time outside both the opening hours and the school day needs ``confirmed_unusual``
    (``timing.check_usual_time``), else UnusualTimeError and nothing is booked.
    Side effects, in order: locks the student's row; checks the day, closures and both agendas;
    inserts a CONFIRMED appointment (first visit when it is); writes the audit entry; queues the
    notice to the student (unless ``send_notice`` is off) and the reminders; raises an urgent
    risk signal when the topic signals risk (``signal_risk_topic``), except for follow-ups, which
    copy the topic of an appointment the counselor is already seeing.
    """
    _valid_channel(channel)
    rules = OfficeRules.load()
    try:
        with transaction.atomic():
            lock_person(student)
            check_time_free(counselor=counselor, student=student, starts_at=starts_at, ends_at=ends_at)
            check_usual_time(counselor.pk, starts_at, ends_at, confirmed=confirmed_unusual)
            appointment = Appointment(
                student=student,
                counselor=counselor,
                starts_at=starts_at,
                ends_at=ends_at,
                channel=channel,
                topic=topic,
                room=room,
                source=source,
                series=series,
                is_first_visit=is_first_visit(student),
                status=AppointmentStatus.CONFIRMED,
                created_by=by,
                status_changed_at=timezone.now(),
            )
            _save_or_taken(appointment)
            record(by, AuditAction.CREATE, appointment, request=request, student_id=student.pk, detail=source)
            if send_notice:
                notices.booked(appointment, by=by)
            notices.schedule_reminders(appointment, rules)
            if source != AppointmentSource.FOLLOW_UP:
                signal_risk_topic(appointment, raised_by=by, request=request)
    except IntegrityError as exc:
        raise SlotTakenError() from exc
    return appointment


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("student", "counselor")
        .get(pk=appointment.pk)
    )


def _check_change_cutoff(appointment: Appointment, rules: OfficeRules) -> None:
    if appointment.starts_at - timezone.now() < datetime.timedelta(hours=rules.change_cutoff_hours):
        raise BookingError(
            ngettext(
                "Appointments can be changed online until %(hours)d hour before the start. Please contact the counseling office.",
                "Appointments can be changed online until %(hours)d hours before the start. Please contact the counseling office.",
                rules.change_cutoff_hours,
            )
            % {"hours": rules.change_cutoff_hours}
        )


def _is_student(appointment: Appointment, user) -> bool:
    return user is not None and user.pk == appointment.student_id


def move(
    appointment: Appointment,
    *,
    by,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None = None,
    room: str | None = None,
    confirmed_unusual: bool = False,
    request=None,
) -> Appointment:
    """Move an upcoming appointment to a new time.

    A student moves to another free slot of the same counselor until the change cut-off (back to
    REQUESTED in approval mode); a counselor moves to any free time (one outside both the opening
    hours and the school day only with ``confirmed_unusual``, as in ``create_for_student``). Side effects, in order:
    locks the appointment and the student; updates the time (and room); withdraws the old
    reminders and schedules new ones; queues notices to both people; audits; offers the freed
    time to the waitlist.
    """
    rules = OfficeRules.load()
    try:
        with transaction.atomic():
            appointment = _locked(appointment)
            lock_person(appointment.student)
            if appointment.status not in OPEN_STATUSES or appointment.starts_at <= timezone.now():
                raise BookingError(_("Only an upcoming appointment can be moved."))
            old_start, old_end = appointment.starts_at, appointment.ends_at
            if _is_student(appointment, by):
                _check_change_cutoff(appointment, rules)
                slot = check_slot(
                    appointment.counselor_id,
                    starts_at,
                    rules=rules,
                    student_id=appointment.student_id,
                    exclude_appointment=appointment.pk,
                )
                new_end, new_room = slot.ends_at, slot.room
                if rules.approval_required:
                    appointment.status = AppointmentStatus.REQUESTED
            else:
                if starts_at <= timezone.now():
                    raise BookingError(_("That time has already passed. Please choose a time in the future."))
                new_end = ends_at or starts_at + (old_end - old_start)
                new_room = appointment.room if room is None else room
                check_time_free(
                    counselor=appointment.counselor,
                    student=appointment.student,
                    starts_at=starts_at,
                    ends_at=new_end,
                    exclude_pk=appointment.pk,
                )
                check_usual_time(appointment.counselor_id, starts_at, new_end, confirmed=confirmed_unusual)
            if starts_at == old_start and new_end == old_end:
                raise BookingError(_("That is already the time of this appointment."))
            if _student_overlap(appointment.student, starts_at, new_end, appointment.pk):
                raise BookingError(_("You already have an appointment at that time."))
            appointment.starts_at, appointment.ends_at, appointment.room = starts_at, new_end, new_room
            appointment.status_changed_at = timezone.now()
            _save_or_taken(appointment, ["starts_at", "ends_at", "room", "status", "status_changed_at"])
            notices.cancel_reminders(appointment)
            if appointment.status == AppointmentStatus.CONFIRMED:
                notices.schedule_reminders(appointment, rules)
            notices.moved(appointment, old_start, by=by)
            record(
                by, AuditAction.CHANGE, appointment, request=request, student_id=appointment.student_id, detail="moved"
            )
            waitlist.offer_freed_time(appointment.counselor_id, old_start, old_end, rules=rules)
    except IntegrityError as exc:
        raise SlotTakenError() from exc
    return appointment


def cancel(appointment: Appointment, *, by, request=None) -> Appointment:
    """Cancel an upcoming appointment (a student until the change cut-off, the office any time).

    Side effects, in order: marks it CANCELLED; withdraws its reminders; queues a notice to the
    other person; audits; offers the freed time to the waitlist.
    """
    rules = OfficeRules.load()
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status not in OPEN_STATUSES:
            raise BookingError(_("This appointment is no longer open, so it cannot be cancelled."))
        if _is_student(appointment, by):
            _check_change_cutoff(appointment, rules)
        appointment.status = AppointmentStatus.CANCELLED
        appointment.status_changed_at = timezone.now()
        appointment.save(update_fields=["status", "status_changed_at"])
        notices.cancel_reminders(appointment)
        notices.cancelled(appointment, by=by)
        record(
            by, AuditAction.CHANGE, appointment, request=request, student_id=appointment.student_id, detail="cancelled"
        )
        waitlist.offer_freed_time(appointment.counselor_id, appointment.starts_at, appointment.ends_at, rules=rules)
    return appointment


def confirm(appointment: Appointment, *, by, request=None) -> Appointment:
    """Confirm a requested appointment: notice to the student, reminders, audit."""
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status != AppointmentStatus.REQUESTED or appointment.starts_at <= timezone.now():
            raise BookingError(_("Only an upcoming request can be confirmed."))
        appointment.status = AppointmentStatus.CONFIRMED
        appointment.status_changed_at = timezone.now()
        appointment.save(update_fields=["status", "status_changed_at"])
        notices.confirmed(appointment)
        notices.schedule_reminders(appointment)
        record(
            by, AuditAction.CHANGE, appointment, request=request, student_id=appointment.student_id, detail="confirmed"
        )
    return appointment


def decline(appointment: Appointment, *, by, request=None) -> Appointment:
    """Decline a requested appointment: notice to the student, audit, the time goes to the waitlist."""
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status != AppointmentStatus.REQUESTED:
            raise BookingError(_("Only a request can be declined."))
        appointment.status = AppointmentStatus.DECLINED
        appointment.status_changed_at = timezone.now()
        appointment.save(update_fields=["status", "status_changed_at"])
        notices.cancel_reminders(appointment)
        notices.declined(appointment)
        record(
            by, AuditAction.CHANGE, appointment, request=request, student_id=appointment.student_id, detail="declined"
        )
        waitlist.offer_freed_time(appointment.counselor_id, appointment.starts_at, appointment.ends_at)
    return appointment


def record_outcome(appointment: Appointment, *, by, attended: bool, request=None) -> Appointment:
    """Mark an appointment that has started as attended or no-show (a wrong mark can be corrected)."""
    allowed = (*OPEN_STATUSES, AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)
    with transaction.atomic():
        appointment = _locked(appointment)
        if appointment.status not in allowed:
            raise BookingError(_("A cancelled or declined appointment has no outcome."))
        if appointment.starts_at > timezone.now():
            raise BookingError(_("You can record the outcome once the appointment has started."))
        appointment.status = AppointmentStatus.ATTENDED if attended else AppointmentStatus.NO_SHOW
        appointment.status_changed_at = timezone.now()
        appointment.save(update_fields=["status", "status_changed_at"])
        notices.cancel_reminders(appointment)
        record(
            by,
            AuditAction.CHANGE,
            appointment,
            request=request,
            student_id=appointment.student_id,
            detail=appointment.status,
        )
    return appointment


@dataclass
class Occurrence:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    problem: str = ""
    # Why the time is outside the opening hours and the school day ("" when it is not): a problem
    # unless the counselor confirmed such dates, then a warning next to a free date.
    unusual: str = ""

    @property
    def is_free(self) -> bool:
        return not self.problem


def plan_follow_ups(
    appointment: Appointment,
    *,
    first_start: datetime.datetime,
    every_days: int,
    count: int,
    allow_unusual: bool = False,
) -> list[Occurrence]:
    """The follow-up times (same length as ``appointment``) with what, if anything, is in the way.

    A date in the school holidays or after the last term is never free; a time outside both the
    opening hours and the school day is free only with ``allow_unusual`` (its ``unusual`` says why
    it is unusual either way). Reads a fixed number of queries for any ``count``.
    """
    duration = appointment.ends_at - appointment.starts_at
    starts = [first_start + datetime.timedelta(days=every_days * n) for n in range(count)]
    window_start, window_end = starts[0], starts[-1] + duration
    first_day, last_day = timezone.localdate(window_start), timezone.localdate(window_end)
    closures = closed_days(first_day, last_day, [appointment.counselor_id])
    terms = list(Term.objects.all())
    hours = office_slots(first_day, last_day, [appointment.counselor_id])
    counselor_busy = busy_between(window_start, window_end, [appointment.counselor_id])
    student_busy = list(
        Appointment.objects.overlapping(window_start, window_end)
        .filter(student_id=appointment.student_id)
        .values_list("starts_at", "ends_at")
    )
    student_groups = list(
        GroupSession.objects.filter(
            is_cancelled=False,
            participants__student_id=appointment.student_id,
            starts_at__lt=window_end,
            ends_at__gt=window_start,
        ).values_list("starts_at", "ends_at")
    )
    now = timezone.now()
    plan = []
    for start in starts:
        end = start + duration
        day = timezone.localdate(start)
        closure = closure_for(closures, day, appointment.counselor_id)
        unusual = unusual_time(appointment.counselor_id, start, end, terms=terms, slots=hours)
        gap = term_gap(day, terms)
        if start <= now:
            problem = _("in the past")
        elif closure:
            problem = _("office closed (%(reason)s)") % {"reason": closure.reason}
        elif gap:
            problem = gap
        elif unusual and not allow_unusual:
            problem = unusual
        elif counselor_busy.is_busy(appointment.counselor_id, start, end):
            problem = _("%(counselor)s is busy") % {"counselor": appointment.counselor}
        elif counselor_busy.held_for(appointment.counselor_id, start) not in (None, appointment.student_id):
            problem = _("offered to a student on the waitlist")
        elif any(s < end and e > start for s, e in student_busy + student_groups):
            problem = _("%(student)s has another appointment") % {"student": appointment.student}
        else:
            problem = ""
        plan.append(Occurrence(start, end, problem, unusual=unusual))
    return plan


def book_follow_ups(
    appointment: Appointment,
    *,
    by,
    first_start: datetime.datetime,
    every_days: int,
    count: int,
    allow_unusual: bool = False,
    request=None,
) -> tuple[list[Appointment], list[Occurrence]]:
    """Book the free dates of a follow-up plan in one series; returns (booked, skipped).

    ``allow_unusual``: the counselor confirmed the dates outside the opening hours and the school
    day (``plan_follow_ups``). Side effects: one appointment per free date (audited, with reminders), then one notice to
    the student listing how many were booked. Dates that became busy since the preview are
    skipped, not forced.
    """
    series = uuid.uuid4()
    booked: list[Appointment] = []
    skipped: list[Occurrence] = []
    with transaction.atomic():
        plan = plan_follow_ups(
            appointment, first_start=first_start, every_days=every_days, count=count, allow_unusual=allow_unusual
        )
        for occurrence in plan:
            if not occurrence.is_free:
                skipped.append(occurrence)
                continue
            try:
                booked.append(
                    create_for_student(
                        counselor=appointment.counselor,
                        student=appointment.student,
                        starts_at=occurrence.starts_at,
                        ends_at=occurrence.ends_at,
                        channel=appointment.channel,
                        topic=appointment.topic,
                        room=appointment.room,
                        source=AppointmentSource.FOLLOW_UP,
                        series=series,
                        by=by,
                        send_notice=False,
                        confirmed_unusual=allow_unusual,
                        request=request,
                    )
                )
            except BookingError as exc:
                occurrence.problem = exc.message
                skipped.append(occurrence)
        if booked:
            notify.notify(
                appointment.student,
                key=f"series:{series}:booked",
                kind=notify.Kind.APPOINTMENT,
                title=Msg.ngettext(
                    "%(count)d follow-up appointment booked, starting %(when)s with %(counselor)s",
                    "%(count)d follow-up appointments booked, starting %(when)s with %(counselor)s",
                    count=len(booked),
                    when=booked[0].starts_at,
                    counselor=appointment.counselor,
                ),
                url=reverse("appointments:mine"),
                sms=appointment.student.is_guardian,
            )
    return booked, skipped
