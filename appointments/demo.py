"""Demo data for the appointments app (called by ``manage.py seed_demo`` after the school exists).

Idempotent: every row is found by a natural key before it is created, and the random choices
come from this module's own seeded generator, consumed the same way on every run.
"""

from __future__ import annotations

import datetime
import random
from types import SimpleNamespace

from django.utils import timezone

from appointments.enums import (
    AppointmentSource,
    AppointmentStatus,
    CloseReason,
    MailboxKind,
    MailboxStatus,
    TimeOfDay,
    WaitlistStatus,
)
from appointments.models import (
    Appointment,
    ClosedDay,
    DutyRota,
    ExtraSession,
    GroupParticipant,
    GroupSession,
    MailboxItem,
    OfficeRules,
    WaitlistEntry,
    WeeklySchedule,
)
from appointments.services import notices
from appointments.services.slots import office_slots
from counseling.enums import Channel, ClientKind, Role
from counseling.models import ConcernCategory, User

T = datetime.time
# (counselor, weekdays, start, end, room, slot minutes, reserved for key students)
HOURS = [
    ("counselor1", [0, 1, 2, 3, 4], T(17, 25), T(18, 25), "心理辅导室 301", 30, False),
    ("counselor2", [4], T(16, 0), T(17, 0), "心理辅导室 302", 30, False),
    ("counselor2", [2], T(16, 0), T(17, 0), "心理辅导室 302", 30, False),
    ("counselor3", [0, 1, 2, 3, 4], T(12, 30), T(13, 30), "心理辅导室 303", 30, True),
    ("counselor3", [3], T(15, 0), T(16, 0), "心理辅导室 303", 30, False),
    ("counselor4", [1, 3], T(15, 0), T(17, 0), "沙盘室 305", 30, False),
]
ROTA = {0: "counselor1", 1: "counselor2", 2: "counselor3", 3: "counselor4", 4: "counselor1"}
PAST_STATUSES = [AppointmentStatus.ATTENDED] * 7 + [
    AppointmentStatus.NO_SHOW,
    AppointmentStatus.CANCELLED,
    AppointmentStatus.DECLINED,
]
FUTURE_STATUSES = [AppointmentStatus.CONFIRMED] * 6 + [AppointmentStatus.REQUESTED] * 2 + [AppointmentStatus.CANCELLED]


def seed(ctx: SimpleNamespace) -> None:
    rng = random.Random(303)
    users = ctx.users
    rules = OfficeRules.load()
    if not rules.office_place:
        rules.office_place = "行政楼三楼 心理辅导室（301-305）"
        rules.office_phone = "0571-8888 1234"
        rules.public_note = "周一至周五 17:25-18:25 开放；其他时间可预约咨询。"
        rules.save()

    for username, weekdays, start, end, room, minutes, reserved in HOURS:
        for weekday in weekdays:
            WeeklySchedule.objects.get_or_create(
                counselor=users[username],
                term=ctx.term,
                weekday=weekday,
                start_time=start,
                defaults={
                    "end_time": end,
                    "room": room,
                    "slot_minutes": minutes,
                    "reserved_for_key_students": reserved,
                },
            )
    for weekday, username in ROTA.items():
        DutyRota.objects.get_or_create(weekday=weekday, defaults={"counselor": users[username]})

    today = ctx.today
    training = _next_weekday(today + datetime.timedelta(days=9), 2)
    ClosedDay.objects.get_or_create(
        start_date=training, end_date=training, counselor=None, defaults={"reason": "心理教师培训"}
    )
    ExtraSession.objects.get_or_create(
        counselor=users["counselor2"],
        date=_next_weekday(today + datetime.timedelta(days=3), 5),
        start_time=T(9, 0),
        defaults={"end_time": T(10, 30), "room": "心理辅导室 302", "slot_minutes": 30},
    )

    pool = list(
        User.objects.filter(role=Role.STUDENT).exclude(username__in=["student1", "student2"]).order_by("id")[:160]
    )
    topics = list(ConcernCategory.objects.filter(signals_risk=False))
    _appointments(ctx, rng, pool, topics)
    _adult_consultations(ctx)
    _groups(ctx, rng, pool)
    _mailbox(ctx, pool)
    WaitlistEntry.objects.get_or_create(
        student=users["student2"],
        status=WaitlistStatus.WAITING,
        defaults={"counselor": users["counselor1"], "time_of_day": TimeOfDay.EVENING, "channel": Channel.FACE_TO_FACE},
    )


def _next_weekday(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _aware(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _appointments(ctx: SimpleNamespace, rng: random.Random, pool: list, topics: list) -> None:
    users, now, today = ctx.users, timezone.now(), ctx.today
    counselor1 = users["counselor1"]
    student1 = users["student1"]
    # student1 with counselor1: a first visit two weeks ago, a follow-up last week, one ahead.
    fixed = {
        (counselor1.pk, _aware(_next_weekday(today - datetime.timedelta(days=14), 0), T(17, 25))): (
            AppointmentStatus.ATTENDED,
            True,
        ),
        (counselor1.pk, _aware(_next_weekday(today - datetime.timedelta(days=7), 0), T(17, 25))): (
            AppointmentStatus.ATTENDED,
            False,
        ),
        (counselor1.pk, _aware(_next_weekday(today + datetime.timedelta(days=2), 1), T(17, 25))): (
            AppointmentStatus.CONFIRMED,
            False,
        ),
    }
    for (counselor_id, starts_at), (status, first) in fixed.items():
        appointment, created = Appointment.objects.get_or_create(
            counselor_id=counselor_id,
            starts_at=starts_at,
            defaults={
                "student": student1,
                "ends_at": starts_at + datetime.timedelta(minutes=30),
                "room": "心理辅导室 301",
                "status": status,
                "channel": Channel.FACE_TO_FACE,
                "topic": topics[0] if topics else None,
                "is_first_visit": first,
                "source": AppointmentSource.ONLINE,
                "created_by": student1,
            },
        )
        if created and status == AppointmentStatus.CONFIRMED:
            notices.schedule_reminders(appointment)

    slots = office_slots(today - datetime.timedelta(days=14), today + datetime.timedelta(days=14))
    taken_times: set[tuple[int, datetime.datetime]] = set()
    seen_students: set[int] = set()
    future_students = iter(pool[:60])
    past_index = future_index = 0
    for slot in slots:
        booked = rng.random() < (0.55 if slot.starts_at < now else 0.4)
        past_student = rng.choice(pool[60:]) if pool[60:] else None
        channel = rng.choice([Channel.FACE_TO_FACE] * 4 + [Channel.PHONE, Channel.ONLINE])
        topic = rng.choice([*topics, None]) if topics else None
        if not booked or (slot.counselor_id, slot.starts_at) in fixed:
            continue
        if slot.starts_at < now:
            status = PAST_STATUSES[past_index % len(PAST_STATUSES)]
            past_index += 1
            student = past_student
        else:
            status = FUTURE_STATUSES[future_index % len(FUTURE_STATUSES)]
            future_index += 1
            student = next(future_students, None)
        if student is None or (student.pk, slot.starts_at) in taken_times:
            continue
        taken_times.add((student.pk, slot.starts_at))
        first = student.pk not in seen_students
        seen_students.add(student.pk)
        Appointment.objects.get_or_create(
            counselor_id=slot.counselor_id,
            starts_at=slot.starts_at,
            defaults={
                "student": student,
                "ends_at": slot.ends_at,
                "room": slot.room,
                "status": status,
                "channel": channel,
                "topic": topic,
                "is_first_visit": first,
                "source": AppointmentSource.WALK_IN if slot.reserved else AppointmentSource.ONLINE,
                "created_by": slot.counselor if slot.reserved else student,
            },
        )


def _adult_consultations(ctx: SimpleNamespace) -> None:
    """Teachers and families come too (面向全体师生及家长): six class teachers and six guardians saw a
    counselor in the last two weeks, and guardian1 has a phone consultation booked ahead."""
    if Appointment.objects.exclude(client_kind=ClientKind.STUDENT).exists():
        return
    now, today = timezone.now(), ctx.today
    teachers = list(User.objects.filter(role=Role.CLASS_TEACHER).exclude(username="teacher1").order_by("id")[:6])
    guardians = list(User.objects.filter(role=Role.GUARDIAN).exclude(username="guardian1").order_by("id")[:6])
    busy = set(Appointment.objects.values_list("counselor_id", "starts_at"))
    free = [
        slot
        for slot in office_slots(today - datetime.timedelta(days=14), today + datetime.timedelta(days=14))
        if (slot.counselor_id, slot.starts_at) not in busy and not slot.reserved
    ]
    past = [slot for slot in free if slot.ends_at < now]
    ahead = [slot for slot in free if slot.starts_at > now + datetime.timedelta(days=1)]
    bookings = [
        (client, slot, AppointmentStatus.ATTENDED)
        for client, slot in zip(teachers + guardians, past[::3], strict=False)
    ]
    if ahead:
        bookings.append((ctx.users["guardian1"], ahead[0], AppointmentStatus.CONFIRMED))
    for client, slot, status in bookings:
        Appointment.objects.create(
            counselor_id=slot.counselor_id,
            student=client,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            room=slot.room,
            status=status,
            channel=Channel.PHONE if client.is_guardian else Channel.FACE_TO_FACE,
            is_first_visit=True,
            source=AppointmentSource.ONLINE,
            created_by=client,
        )


def _groups(ctx: SimpleNamespace, rng: random.Random, pool: list) -> None:
    counselor2 = ctx.users["counselor2"]
    sessions = [
        ("考试减压团体辅导", "一起练习放松方法，交流备考心得。", 5, 8, pool[100:106]),
        ("人际交往成长小组", "在游戏和讨论中学习沟通与合作。", -6, 10, pool[110:118]),
    ]
    for title, description, offset, capacity, participants in sessions:
        day = ctx.today + datetime.timedelta(days=offset)
        session, _created = GroupSession.objects.get_or_create(
            counselor=counselor2,
            title=title,
            defaults={
                "description": description,
                "starts_at": _aware(day, T(14, 0)),
                "ends_at": _aware(day, T(15, 0)),
                "room": "团体辅导室 306",
                "capacity": capacity,
            },
        )
        for student in participants:
            GroupParticipant.objects.get_or_create(session=session, student=student)
        GroupSession.objects.filter(pk=session.pk).update(seats_taken=session.participants.count())


def _mailbox(ctx: SimpleNamespace, pool: list) -> None:
    users, now = ctx.users, timezone.now()
    classmate = next((u for u in pool if u.student_profile.school_class_id == ctx.teacher1_class.pk), pool[0])
    items = [
        # (sender, kind, anonymous, about, body, age, status, handled_by, reply, reason)
        (
            users["student2"],
            MailboxKind.REQUEST,
            False,
            None,
            "最近总是睡不好，想约个时间聊聊。",
            datetime.timedelta(days=2),
            MailboxStatus.NEW,
            None,
            "",
            "",
        ),
        (
            pool[120],
            MailboxKind.LETTER,
            True,
            None,
            "老师您好，我和好朋友吵架了，不知道该怎么和好。",
            datetime.timedelta(hours=3),
            MailboxStatus.NEW,
            None,
            "",
            "",
        ),
        (
            users["teacher1"],
            MailboxKind.REQUEST,
            False,
            classmate,
            "这位同学最近上课注意力不集中，想请心理老师了解一下。",
            datetime.timedelta(hours=5),
            MailboxStatus.NEW,
            None,
            "",
            "",
        ),
        (
            pool[121],
            MailboxKind.LETTER,
            False,
            None,
            "想知道怎么更好地安排复习时间。",
            datetime.timedelta(days=4),
            MailboxStatus.REPLIED,
            users["counselor1"],
            "可以先列出每天的固定任务，再留出弹性时间。欢迎来辅导室面谈。",
            "",
        ),
        (
            pool[122],
            MailboxKind.REQUEST,
            False,
            None,
            "请问周六开放吗？",
            datetime.timedelta(days=6),
            MailboxStatus.CLOSED,
            users["counselor3"],
            "",
            CloseReason.NOT_COUNSELING,
        ),
    ]
    for sender, kind, anonymous, about, body, age, status, handled_by, reply, reason in items:
        if MailboxItem.objects.filter(sender=sender, kind=kind, is_anonymous=anonymous).exists():
            continue
        item = MailboxItem.objects.create(
            sender=sender,
            kind=kind,
            is_anonymous=anonymous,
            about_student=about,
            body=body,
            status=status,
            handled_by=handled_by,
            handled_at=now - age + datetime.timedelta(hours=20) if handled_by else None,
            reply=reply,
            close_reason=reason,
        )
        MailboxItem.objects.filter(pk=item.pk).update(created_at=now - age)
