"""Access rows for the appointments app's URLs (see counseling.tests.access)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from appointments.enums import TimeOfDay
from appointments.models import CalendarFeed, WaitlistOffer
from appointments.tests.factories import (
    AppointmentFactory,
    ClosedDayFactory,
    ExtraSessionFactory,
    GroupSessionFactory,
    MailboxItemFactory,
    WaitlistEntryFactory,
    WeeklyScheduleFactory,
)
from counseling.tests.access import COUNSELING, GUARDIANS, ROLES, STUDENTS, Route, expect

MANAGERS = ("head", "administrator")
GROUP_ROLES = (*STUDENTS, *COUNSELING)
TEACHERS = ("class_teacher", "other_teacher")
# Who books a consultation for themselves: students, class teachers and guardians.
BOOKERS = (*STUDENTS, *TEACHERS, *GUARDIANS)
WRITERS = (*STUDENTS, *TEACHERS, *GUARDIANS)
# A booker who is not the client of the appointment (or the sender of the letter) asked for.
NOT_THEIRS = dict.fromkeys(("other_student", *TEACHERS, *GUARDIANS), 404)


def routes(cast, world: dict) -> dict[str, Route]:
    soon = timezone.now() + datetime.timedelta(days=3)
    appointment = AppointmentFactory(student=cast.student, counselor=cast.counselor, starts_at=soon)
    session = GroupSessionFactory(counselor=cast.counselor)
    item = MailboxItemFactory(sender=cast.student)
    entry = WaitlistEntryFactory(student=cast.student, time_of_day=TimeOfDay.ANY)
    offer = WaitlistOffer.objects.create(
        entry=entry,
        counselor=cast.counselor,
        starts_at=soon + datetime.timedelta(days=1),
        ends_at=soon + datetime.timedelta(days=1, minutes=30),
        expires_at=timezone.now() + datetime.timedelta(hours=2),
    )
    schedule = WeeklyScheduleFactory(counselor=cast.counselor)
    closed = ClosedDayFactory(start_date=timezone.localdate() + datetime.timedelta(days=30))
    extra = ExtraSessionFactory(counselor=cast.counselor, date=timezone.localdate() + datetime.timedelta(days=20))
    feed = CalendarFeed.objects.create(counselor=cast.counselor)
    slot = timezone.localtime(soon).strftime("%Y-%m-%dT%H:%M")

    public = dict.fromkeys(ROLES, 200)
    students_post = expect(405, roles=STUDENTS)
    bookers = expect(200, roles=BOOKERS)
    bookers_post = expect(405, roles=BOOKERS)
    counseling = expect(200, roles=COUNSELING)
    counseling_post = expect(405, roles=COUNSELING)
    # One appointment: its student, its counselor and the head counselor; others in those roles get 404.
    own = expect(200, roles=(*BOOKERS, *COUNSELING), other_counselor=404, **NOT_THEIRS)
    own_post = expect(405, roles=(*BOOKERS, *COUNSELING))
    own_counseling = expect(200, roles=COUNSELING, other_counselor=404)
    managers = expect(200, roles=MANAGERS)
    managers_post = expect(405, roles=MANAGERS)
    pk = appointment.pk
    return {
        "appointments:office": Route(reverse("appointments:office"), public),
        "appointments:feed": Route(reverse("appointments:feed", args=[feed.token]), public),
        "appointments:mine": Route(reverse("appointments:mine"), bookers),
        "appointments:book": Route(reverse("appointments:book"), bookers),
        "appointments:book_confirm": Route(
            f"{reverse('appointments:book_confirm')}?counselor={cast.counselor.pk}&start={slot}", bookers
        ),
        "appointments:waitlist_join": Route(reverse("appointments:waitlist_join"), bookers),
        "appointments:waitlist_leave": Route(reverse("appointments:waitlist_leave", args=[entry.pk]), bookers_post),
        "appointments:offer_accept": Route(reverse("appointments:offer_accept", args=[offer.pk]), bookers_post),
        "appointments:offer_decline": Route(reverse("appointments:offer_decline", args=[offer.pk]), bookers_post),
        "appointments:detail": Route(reverse("appointments:detail", args=[pk]), own),
        "appointments:move": Route(reverse("appointments:move", args=[pk]), own),
        "appointments:cancel": Route(reverse("appointments:cancel", args=[pk]), own_post),
        "appointments:ics": Route(reverse("appointments:ics", args=[pk]), own),
        "appointments:week": Route(reverse("appointments:week"), counseling),
        "appointments:day": Route(reverse("appointments:day"), counseling),
        "appointments:create": Route(reverse("appointments:create"), counseling),
        "appointments:feed_settings": Route(reverse("appointments:feed_settings"), counseling),
        "appointments:requests": Route(reverse("appointments:requests"), counseling),
        "appointments:confirm": Route(reverse("appointments:confirm", args=[pk]), counseling_post),
        "appointments:decline": Route(reverse("appointments:decline", args=[pk]), counseling_post),
        "appointments:attended": Route(reverse("appointments:attended", args=[pk]), counseling_post),
        "appointments:no_show": Route(reverse("appointments:no_show", args=[pk]), counseling_post),
        "appointments:follow_ups": Route(reverse("appointments:follow_ups", args=[pk]), own_counseling),
        "appointments:groups": Route(reverse("appointments:groups"), expect(200, roles=GROUP_ROLES)),
        "appointments:group_new": Route(reverse("appointments:group_new"), counseling),
        "appointments:group_detail": Route(
            reverse("appointments:group_detail", args=[session.pk]), expect(200, roles=GROUP_ROLES)
        ),
        "appointments:group_join": Route(reverse("appointments:group_join", args=[session.pk]), students_post),
        "appointments:group_leave": Route(reverse("appointments:group_leave", args=[session.pk]), students_post),
        "appointments:group_cancel": Route(reverse("appointments:group_cancel", args=[session.pk]), counseling_post),
        "appointments:mailbox": Route(reverse("appointments:mailbox"), counseling),
        "appointments:letter_new": Route(reverse("appointments:letter_new"), expect(200, roles=WRITERS)),
        "appointments:my_letters": Route(reverse("appointments:my_letters"), expect(200, roles=WRITERS)),
        "appointments:mailbox_item": Route(
            reverse("appointments:mailbox_item", args=[item.pk]),
            expect(200, roles=(*WRITERS, *COUNSELING), **NOT_THEIRS),
        ),
        "appointments:mailbox_schedule": Route(reverse("appointments:mailbox_schedule", args=[item.pk]), counseling),
        "appointments:mailbox_reply": Route(reverse("appointments:mailbox_reply", args=[item.pk]), counseling_post),
        "appointments:mailbox_close": Route(reverse("appointments:mailbox_close", args=[item.pk]), counseling_post),
        "appointments:hours": Route(reverse("appointments:hours"), managers),
        "appointments:schedule_new": Route(reverse("appointments:schedule_new"), managers),
        "appointments:schedule_edit": Route(reverse("appointments:schedule_edit", args=[schedule.pk]), managers),
        "appointments:schedule_delete": Route(
            reverse("appointments:schedule_delete", args=[schedule.pk]), managers_post
        ),
        "appointments:closed_new": Route(reverse("appointments:closed_new"), managers),
        "appointments:closed_delete": Route(reverse("appointments:closed_delete", args=[closed.pk]), managers_post),
        "appointments:extra_new": Route(reverse("appointments:extra_new"), managers),
        "appointments:extra_delete": Route(reverse("appointments:extra_delete", args=[extra.pk]), managers_post),
        "appointments:rules": Route(reverse("appointments:rules"), managers),
        "appointments:rota": Route(reverse("appointments:rota"), managers),
    }
