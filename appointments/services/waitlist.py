"""The waitlist: when a time frees, the first suitable student in line gets it held for a while.

An offer holds the slot (nobody else sees it) until it expires; then, or when the student says
no, the same slot is offered to the next in line. A beat task (``appointments.expire_offers``)
scans for expired offers every minute, so nothing depends on a far-future task.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from appointments.enums import OfferStatus, TimeOfDay, WaitlistStatus
from appointments.models import Appointment, OfficeRules, WaitlistEntry, WaitlistOffer
from appointments.services.errors import BookingError
from appointments.services.limits import check_student_limit
from appointments.services.slots import Slot, free_slots
from counseling.services import notify
from counseling.services.messages import Msg


def join(student, *, counselor=None, time_of_day: str = TimeOfDay.ANY, channel: str) -> WaitlistEntry:
    """Put a student on the waitlist (one waiting entry per student). Raises BookingError."""
    rules = OfficeRules.load()
    with transaction.atomic():
        if WaitlistEntry.objects.waiting().filter(student=student).exists():
            raise BookingError(_("You are already on the waitlist."))
        check_student_limit(student, rules)
        try:
            with transaction.atomic():
                return WaitlistEntry.objects.create(
                    student=student, counselor=counselor, time_of_day=time_of_day, channel=channel
                )
        except IntegrityError as exc:
            raise BookingError(_("You are already on the waitlist.")) from exc


def leave(entry: WaitlistEntry) -> None:
    """Take a student off the waitlist; a slot held for them goes to the next in line."""
    with transaction.atomic():
        updated = WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistStatus.WAITING).update(
            status=WaitlistStatus.CANCELLED
        )
        if not updated:
            raise BookingError(_("You are not on the waitlist any more."))
        _withdraw_and_pass_on(WaitlistOffer.objects.filter(entry=entry, status=OfferStatus.OPEN))


def after_booking(student, offer: WaitlistOffer | None) -> None:
    """Settle the waitlist once a student has booked: their entry is done, other held slots pass on."""
    now = timezone.now()
    if offer is not None:
        WaitlistOffer.objects.filter(pk=offer.pk).update(status=OfferStatus.ACCEPTED, responded_at=now)
    WaitlistEntry.objects.waiting().filter(student=student).update(status=WaitlistStatus.BOOKED)
    _withdraw_and_pass_on(WaitlistOffer.objects.filter(entry__student=student, status=OfferStatus.OPEN))


def _withdraw_and_pass_on(offers) -> None:
    for offer in list(offers):
        if WaitlistOffer.objects.filter(pk=offer.pk, status=OfferStatus.OPEN).update(
            status=OfferStatus.WITHDRAWN, responded_at=timezone.now()
        ):
            offer_freed_time(offer.counselor_id, offer.starts_at, offer.ends_at)


def offer_freed_time(
    counselor_id: int, starts_at: datetime.datetime, ends_at: datetime.datetime, *, rules: OfficeRules | None = None
) -> list[WaitlistOffer]:
    """Offer each bookable slot of the counselor between ``starts_at`` and ``ends_at`` to the waitlist.

    Only slots students could book themselves are offered (opening hours, not reserved, after
    the booking cut-off, within the horizon). Returns the offers made.
    """
    rules = rules or OfficeRules.load()
    now = timezone.now()
    not_before = now + datetime.timedelta(hours=rules.booking_cutoff_hours)
    last_day = timezone.localdate(now) + datetime.timedelta(days=rules.booking_horizon_days)
    if ends_at <= not_before or timezone.localdate(starts_at) > last_day:
        return []
    if not WaitlistEntry.objects.waiting().exists():
        return []
    slots = free_slots(
        timezone.localdate(starts_at),
        min(timezone.localdate(ends_at), last_day),
        counselor_ids=[counselor_id],
        not_before=not_before,
    )
    offers = []
    for slot in slots:
        if starts_at <= slot.starts_at and slot.ends_at <= ends_at:
            offer = offer_slot(slot, rules=rules)
            if offer is not None:
                offers.append(offer)
    return offers


# A held slot's hours run only while a student is awake to answer: an offer made at 21:00 with a
# four-hour hold would otherwise run out at 01:00, before they could see it.
WAKING_START = datetime.time(7, 0)
WAKING_END = datetime.time(22, 0)


def hold_until(start: datetime.datetime, hours: int) -> datetime.datetime:
    """When a hold of ``hours`` waking hours (07:00-22:00, school time) that begins at ``start`` ends."""
    zone = timezone.get_current_timezone()
    moment = timezone.localtime(start, zone)
    left = datetime.timedelta(hours=hours)
    while True:
        day = moment.date()
        opens = timezone.make_aware(datetime.datetime.combine(day, WAKING_START), zone)
        closes = timezone.make_aware(datetime.datetime.combine(day, WAKING_END), zone)
        if moment < opens:
            moment = opens
        if moment >= closes:
            moment = timezone.make_aware(
                datetime.datetime.combine(day + datetime.timedelta(days=1), WAKING_START), zone
            )
            continue
        if moment + left <= closes:
            return moment + left
        left -= closes - moment
        moment = closes


def offer_slot(slot: Slot, *, rules: OfficeRules) -> WaitlistOffer | None:
    """Hold ``slot`` for the first suitable waiting student and tell them; None when nobody fits.

    The hold lasts the office's hold hours counted in waking hours (``hold_until``), and never
    past the booking cut-off before the slot.

    Suitable: waiting for this counselor or any, at this time of day, not offered this slot
    before, holding no other live offer, below the upcoming limit, free at that time.
    """
    now = timezone.now()
    expires_at = min(
        hold_until(now, rules.offer_hold_hours),
        slot.starts_at - datetime.timedelta(hours=rules.booking_cutoff_hours),
    )
    if expires_at <= now:
        return None
    # An offer that ran out but has not been scanned yet no longer holds the slot.
    WaitlistOffer.objects.filter(
        counselor_id=slot.counselor_id, starts_at=slot.starts_at, status=OfferStatus.OPEN, expires_at__lte=now
    ).update(status=OfferStatus.EXPIRED)
    candidates = (
        WaitlistEntry.objects.waiting()
        .filter(Q(counselor__isnull=True) | Q(counselor_id=slot.counselor_id))
        .exclude(
            pk__in=WaitlistOffer.objects.filter(counselor_id=slot.counselor_id, starts_at=slot.starts_at).values(
                "entry_id"
            )
        )
        .exclude(pk__in=WaitlistOffer.objects.live().values("entry_id"))
        .select_related("student")
        .order_by("created_at", "id")
    )
    local_time = slot.local_start.time()
    for entry in candidates:
        if not TimeOfDay(entry.time_of_day).matches(local_time):
            continue
        upcoming = Appointment.objects.upcoming().filter(student=entry.student).count()
        if upcoming >= rules.max_upcoming_per_student:
            continue
        if Appointment.objects.overlapping(slot.starts_at, slot.ends_at).filter(student=entry.student).exists():
            continue
        try:
            with transaction.atomic():
                offer = WaitlistOffer.objects.create(
                    entry=entry,
                    counselor_id=slot.counselor_id,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    room=slot.room,
                    expires_at=expires_at,
                )
        except IntegrityError:
            return None  # someone else holds this slot already
        notify.notify(
            entry.student,
            key=f"offer:{offer.pk}",
            kind=notify.Kind.APPOINTMENT,
            title=Msg(
                gettext_noop("A counseling time is free for you: %(when)s with %(counselor)s. Answer by %(deadline)s."),
                when=slot.starts_at,
                counselor=slot.counselor,
                deadline=expires_at,
            ),
            url=reverse("appointments:mine"),
            sms=entry.student.is_guardian,
        )
        return offer
    return None


def decline(offer: WaitlistOffer) -> None:
    """The student does not want the held slot: it goes to the next in line; they stay waiting."""
    with transaction.atomic():
        if not WaitlistOffer.objects.filter(pk=offer.pk, status=OfferStatus.OPEN).update(
            status=OfferStatus.DECLINED, responded_at=timezone.now()
        ):
            raise BookingError(_("This offer is no longer open."))
        offer_freed_time(offer.counselor_id, offer.starts_at, offer.ends_at)


def expire_offers() -> int:
    """Close every offer past its time and pass each slot on. Safe to run twice at once.

    Each offer is claimed with a conditional update, so two workers never pass the same slot on
    twice. Returns the number of offers expired.
    """
    now = timezone.now()
    expired = 0
    due = WaitlistOffer.objects.filter(status=OfferStatus.OPEN, expires_at__lte=now).values_list(
        "pk", "counselor_id", "starts_at", "ends_at"
    )
    for pk, counselor_id, starts_at, ends_at in list(due):
        with transaction.atomic():
            if not WaitlistOffer.objects.filter(pk=pk, status=OfferStatus.OPEN).update(status=OfferStatus.EXPIRED):
                continue
            expired += 1
            offer_freed_time(counselor_id, starts_at, ends_at)
    return expired
