"""Demo case records (called by ``manage.py seed_demo`` after the school directory).

Cases in every status for counselor1 and counselor2 (student1 has an open case with counselor1),
signed and unsigned notes, a referral, an acknowledged crisis, passed-on concerns, complaints,
and the audit entries all of that writes. The records are made through the services, so the
audit trail and the notices are the real ones. Idempotent: when any case exists, nothing is done.
The texts are invented for the demo.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.utils import timezone

from counseling.cases.enums import (
    CaseSource,
    CaseStatus,
    ComplaintStatus,
    ComplaintTopic,
    Functioning,
    GoalStatus,
    IntakeMethod,
    ReferralStatus,
    ReferralUrgency,
    RiskLevel,
)
from counseling.cases.models import Case, Escalation, FollowUp, SessionNote
from counseling.cases.services import acknowledge, open_case, record_crisis_event, update_case
from counseling.cases.services.complaints import file_complaint, handle_complaint
from counseling.cases.services.concerns import pass_on_concern, take_up_concern
from counseling.cases.services.notes import add_addendum, cosign_note, create_note, sign_note
from counseling.cases.services.plan import add_follow_up, save_goal, save_intake
from counseling.cases.services.referrals import create_referral
from counseling.cases.services.trail import log
from counseling.enums import Channel
from counseling.models import ConcernCategory, StudentProfile, User
from counseling.models.audit import AuditAction
from counseling.services import notify

NOTES = [
    (
        "学生主诉近两周入睡困难，常想着考试排名。谈到和同桌的矛盾时哭了。",
        "考试焦虑伴人际压力；支持系统尚可（母亲），无自伤想法。",
        "布置睡眠日记；下次练习腹式呼吸。",
    ),
    (
        "睡眠日记完成五天，入睡时间平均提前二十分钟。与同桌已和好。",
        "放松训练有效，动机良好。",
        "继续练习；讨论期中考试的目标设定。",
    ),
    (
        "情绪比上次平稳，谈到父母对成绩的期待，感到压力。",
        "家庭期待是主要压力源，可考虑家长沟通。",
        "征得同意后约家长面谈。",
    ),
]


def _at(ctx: SimpleNamespace, days: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    day = ctx.today + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _students(ctx: SimpleNamespace) -> list:
    """Deterministic demo students: seats 4-9 of teacher1's class, then seat 5 of other classes."""
    own = list(
        StudentProfile.objects.filter(school_class=ctx.teacher1_class)
        .select_related("user")
        .order_by("student_number")
        .values_list("user", flat=True)[3:9]
    )
    others = [
        StudentProfile.objects.filter(school_class=school_class)
        .order_by("student_number")
        .values_list("user", flat=True)[4]
        for school_class in ctx.classes[5:12]
    ]
    by_id = User.objects.in_bulk(own + others)
    return [by_id[pk] for pk in own + others]


def _backdate(case: Case, days: int, ctx: SimpleNamespace) -> None:
    Case.objects.filter(pk=case.pk).update(opened_at=_at(ctx, -days, 10))


def _note(ctx, case, author, *, days_ago: int, text: int, sign: bool, channel=Channel.FACE_TO_FACE) -> SessionNote:
    content, analysis, next_steps = NOTES[text % len(NOTES)]
    note = create_note(
        case,
        by=author,
        values={
            "held_on": ctx.today - datetime.timedelta(days=days_ago),
            "channel": channel,
            "duration_minutes": 45,
            "techniques": ["active_listening", "relaxation"] if text % 2 == 0 else ["cognitive", "solution_focused"],
            "content": content,
            "analysis": analysis,
            "next_steps": next_steps,
        },
    )
    SessionNote.objects.filter(pk=note.pk).update(created_at=_at(ctx, -days_ago, 17, 40))
    if sign:
        sign_note(note, by=author)
        SessionNote.objects.filter(pk=note.pk).update(signed_at=_at(ctx, -days_ago, 18, 30))
        note.refresh_from_db()
    return note


def seed(ctx: SimpleNamespace) -> None:
    if Case.objects.exists():
        return
    users = ctx.users
    head, c1, c2 = users["head"], users["counselor1"], users["counselor2"]
    known = {c.code: c for c in ConcernCategory.objects.all()}

    def categories_of(*codes: str) -> list:
        # The categories are seeded by a migration; a flushed test database may lack them.
        return [known[code] for code in codes if code in known]

    s = _students(ctx)

    # student1 (teacher1's class): an open case with counselor1, intake, plan, notes in every state.
    case = open_case(
        student=users["student1"],
        counselor=c1,
        source=CaseSource.SELF_BOOKED,
        opened_by=c1,
        categories=categories_of("study", "emotions"),
        risk_level=RiskLevel.LOW,
    )
    _backdate(case, 21, ctx)
    save_intake(
        case,
        by=c1,
        values={
            "assessed_on": ctx.today - datetime.timedelta(days=21),
            "method": IntakeMethod.BOTH,
            "study": Functioning.MODERATE,
            "relationships": Functioning.MILD,
            "family": Functioning.MILD,
            "sleep_and_health": Functioning.MODERATE,
            "asked_about_self_harm": True,
            "risk_level": RiskLevel.LOW,
            "narrative": "主动预约。期中考试后成绩下降，入睡困难两周；否认自伤想法。母亲支持，父亲要求严格。",
        },
    )
    save_goal(
        case,
        by=c1,
        values={
            "description": "两周内恢复规律睡眠（23点前入睡）",
            "approach": "睡眠日记、放松训练",
            "status": GoalStatus.IN_PROGRESS,
            "target_date": ctx.today + datetime.timedelta(days=7),
        },
    )
    save_goal(
        case,
        by=c1,
        values={
            "description": "能用自己的话说出考试焦虑的来源",
            "approach": "认知重构练习",
            "status": GoalStatus.PLANNED,
            "target_date": None,
        },
    )
    first = _note(ctx, case, c1, days_ago=14, text=0, sign=True)
    cosign_note(first, by=head)
    signed = _note(ctx, case, c1, days_ago=7, text=1, sign=True)
    add_addendum(signed, by=c1, text="补充：班主任反映本周课堂状态好转。")
    _note(ctx, case, c1, days_ago=3, text=2, sign=False)
    add_follow_up(case, by=c1, due_on=ctx.today + datetime.timedelta(days=1), purpose="回访睡眠日记")
    log(head, AuditAction.VIEW, case)

    # A pupil of teacher1's class, passed on by teacher1 and followed by counselor1.
    concern = pass_on_concern(
        by=users["teacher1"],
        student=s[0],
        category=known.get("relationships"),
        urgency=ReferralUrgency.NORMAL,
        description="最近总是一个人吃午饭，课间不和同学说话。",
    )
    followed = take_up_concern(concern, by=c1)
    _backdate(followed, 12, ctx)
    update_case(followed, by=c1, status=CaseStatus.FOLLOW_UP)
    _note(ctx, followed, c1, days_ago=10, text=0, sign=True)
    follow_up = add_follow_up(followed, by=c1, due_on=ctx.today, purpose="课间观察与班主任沟通")
    FollowUp.objects.filter(pk=follow_up.pk).update(due_on=ctx.today - datetime.timedelta(days=1))
    # A second concern from teacher1 that nobody has taken up yet.
    pass_on_concern(
        by=users["teacher1"],
        student=s[1],
        category=None,
        urgency=ReferralUrgency.URGENT,
        description="家长来电说孩子这几天在家不说话。",
    )

    # counselor1: referred after a crisis that the head counselor acknowledged.
    crisis_case = open_case(
        student=s[6],
        counselor=c1,
        source=CaseSource.SCREENING_WARNING,
        opened_by=c1,
        categories=categories_of("emotions", "self_harm"),
        risk_level=RiskLevel.MEDIUM,
    )
    _backdate(crisis_case, 30, ctx)
    _note(ctx, crisis_case, c1, days_ago=28, text=2, sign=True, channel=Channel.PHONE)
    escalation = record_crisis_event(
        crisis_case,
        by=c1,
        risk_level=RiskLevel.HIGH,
        occurred_at=_at(ctx, -6, 11, 20),
        narrative="课间被同学发现在楼顶徘徊，情绪激动，称“活着没意思”。陪同至辅导室。",
        actions={
            "guardian_called": True,
            "guardian_called_at": _at(ctx, -6, 11, 35),
            "guardian_contact_by": "张晓雯",
            "guardian_contact_outcome": "母亲接听，12:10到校，一同前往辅导室。",
            "escorted": True,
            "escort_by": "张晓雯、班主任",
            "hospital": False,
            "hospital_name": "",
        },
    )
    notify.deliver_due()
    acknowledge(escalation, by=head)
    Escalation.objects.filter(pk=escalation.pk).update(
        raised_at=_at(ctx, -6, 11, 24), last_sent_at=_at(ctx, -6, 11, 24), acknowledged_at=_at(ctx, -6, 11, 31)
    )
    create_referral(
        crisis_case,
        by=c1,
        values={
            "institution": "市精神卫生中心",
            "referred_on": ctx.today - datetime.timedelta(days=5),
            "reason": "持续情绪低落伴消极言语，需要专科评估。",
            "guardian_informed": True,
            "escorted": True,
            "escort_by": "母亲",
            "status": ReferralStatus.MADE,
            "follow_up_on": ctx.today + datetime.timedelta(days=9),
            "outcome": "",
        },
    )

    # counselor1: a closed case.
    closed = open_case(
        student=s[7], counselor=c1, source=CaseSource.MAILBOX, opened_by=c1, categories=categories_of("adjustment")
    )
    _backdate(closed, 60, ctx)
    _note(ctx, closed, c1, days_ago=58, text=0, sign=True, channel=Channel.LETTER)
    _note(ctx, closed, c1, days_ago=45, text=1, sign=True)
    update_case(closed, by=c1, status=CaseStatus.CLOSED)

    # counselor2: one case in every status.
    plans = [
        (s[8], CaseStatus.OPEN, CaseSource.SELF_BOOKED, "family", 1, False),
        (s[9], CaseStatus.FOLLOW_UP, CaseSource.MAILBOX, "relationships", 9, True),
        (s[10], CaseStatus.REFERRED, CaseSource.TEACHER_REFERRAL, "emotions", 20, True),
        (s[11], CaseStatus.CLOSED, CaseSource.SELF_BOOKED, "study", 50, True),
    ]
    for student, status, source, code, days, sign in plans:
        item = open_case(student=student, counselor=c2, source=source, opened_by=c2, categories=categories_of(code))
        _backdate(item, days + 2, ctx)
        _note(
            ctx,
            item,
            c2,
            days_ago=days,
            text=days,
            sign=sign,
            channel=Channel.ONLINE if days > 10 else Channel.FACE_TO_FACE,
        )
        if status == CaseStatus.REFERRED:
            create_referral(
                item,
                by=c2,
                values={
                    "institution": "区儿童医院心理科",
                    "referred_on": ctx.today - datetime.timedelta(days=days - 3),
                    "reason": "注意力问题需要医学评估。",
                    "guardian_informed": True,
                    "escorted": False,
                    "escort_by": "",
                    "status": ReferralStatus.ATTENDED,
                    "follow_up_on": None,
                    "outcome": "已完成首诊，建议学校继续观察。",
                },
            )
        elif status != CaseStatus.OPEN:
            update_case(item, by=c2, status=status)

    # Complaints: one waiting, one handled.
    file_complaint(by=users["student2"], topic=ComplaintTopic.BOOKING, description="周五的预约时间太少，总是约不上。")
    handled = file_complaint(by=users["teacher2"], topic=ComplaintTopic.SERVICE, description="转介后一周没有回音。")
    handle_complaint(
        handled,
        by=head,
        status=ComplaintStatus.RESOLVED,
        outcome="已与心理老师核实并当面回复，今后转介三天内反馈“已接收”。",
    )
