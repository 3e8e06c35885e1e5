"""Demo data for the archives app (called by ``manage.py seed_demo`` after the school and the cases).

- Grade counselors for the lower grades; the example class-climate questionnaire in the library.
- Two finished screenings of 初一 (an intake screening with PHQ-9 and GAD-7, and a PHQ-9
  follow-up), with realistic answers in every band and a few critical item-9 answers, so
  archives show a trend; warnings from them in every state (open and overdue, contacted,
  case opened, dismissed); every critical answer opened a case and started the crisis path
  (a crisis signal and its escalation, acknowledged), as the real submit path does.
- An open screening of 初一 and 初二 that about half the students have answered, but not student1
  or student2; its fresh answers go through the real submit path (scoring, warning, escalation).
- Focus-list entries with the class teacher's log in teacher1's class; zero-report windows.
- Home visits in teacher1's class this school year: about two in three pupils visited, a few
  visits planned for the coming weeks.

Idempotent: each screening, window and entry is looked up by a natural key first; random
choices come from this module's own generator.
"""

from __future__ import annotations

import datetime
import json
import random
from types import SimpleNamespace

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from archives.models import (
    ClassLogEntry,
    FocusEntry,
    FocusLevel,
    GradeCounselor,
    HomeVisit,
    Instrument,
    InstrumentSource,
    Invitation,
    InvitationStatus,
    ReportingWindow,
    Result,
    Screening,
    ScreeningStatus,
    ScreeningWarning,
    Submission,
    TargetScope,
    VisitChannel,
    VisitTopic,
    WarningStatus,
    ZeroReport,
)
from archives.services import definition as definitions
from archives.services import focus, library, screenings, visits, zero
from archives.services.library import BUILTIN_DIR
from archives.services.participation import may_take_part
from archives.services.warnings import reaches_warning_band
from counseling.cases.contract import CaseSource, RiskLevel, Severity, SignalReason, SignalSource, open_case
from counseling.cases.enums import SignalStatus
from counseling.cases.models import Case, Escalation, RiskSignal
from counseling.demo import before_holiday, part_of_month, season_name
from counseling.enums import Channel, ConsentMethod, ConsentPurpose, ConsentState, GuardianRelation
from counseling.models import ConcernCategory, StudentProfile
from counseling.models.consent import ConsentRecord
from counseling.services.consent import BulkRow, record_class_consent

# Share of students per PHQ-9 band in a school population, roughly: minimal .. severe.
BAND_WEIGHTS = [(0, 4, 55), (5, 9, 25), (10, 14, 11), (15, 19, 6), (20, 27, 3)]
DISMISS_REASONS = [
    "面谈后了解到是考试周压力，情绪已恢复，复测正常。",
    "学生说明作答时误解题意，班主任反映近期状态良好。",
]
# Questionnaires a counselor built in the app (no scores): the archive sheet of the seed plans
# (建档) and the feedback form of the awareness week.
BUILT_QUESTIONNAIRES = [
    (
        "archive-sheet",
        "学生心理档案信息登记表",
        [(1, "是"), (2, "否")],
        [
            ("我和父母住在一起", False, False),
            ("我住校", False, False),
            ("我有可以说心里话的朋友", False, False),
            ("遇到困难时，我知道可以找心理老师", False, False),
            ("我的兴趣爱好", True, False),
            ("我希望老师了解的关于我的事（选填）", True, False),
        ],
    ),
    (
        "event-feedback",
        "心理健康活动周反馈问卷",
        [(1, "很不同意"), (2, "不太同意"), (3, "比较同意"), (4, "非常同意")],
        [
            ("活动内容对我有帮助", False, False),
            ("活动的时间安排合适", False, False),
            ("我愿意参加下一次活动", False, False),
            ("你对活动有什么建议？（选填）", True, False),
        ],
    ),
    (
        "parent-class-feedback",
        "家长课堂反馈问卷",
        # The items are statements, so the answers are agreement (as in the event feedback).
        [(1, "很不同意"), (2, "不太同意"), (3, "比较同意"), (4, "非常同意")],
        [
            ("本次家长课堂的内容对我有帮助", False, False),
            ("讲解清楚，容易理解", False, False),
            ("时间和地点安排合适", False, False),
            ("我愿意参加下一次家长课堂", False, False),
        ],
    ),
]
LOG_ENTRIES = {
    False: [
        (-21, "课间找他聊了聊，说最近睡得还行，作业按时交了。", Channel.FACE_TO_FACE),
        (-7, "和家长电话沟通，家长表示会多陪伴孩子，周末一起去爬山。", Channel.PHONE),
    ],
    True: [
        (-18, "午饭后一起散步，谈到和同桌的矛盾，已帮忙调整座位。", Channel.FACE_TO_FACE),
        (-4, "本周出勤正常，课堂上主动回答了两次问题。", Channel.FACE_TO_FACE),
    ],
}
CONTACT_NOTES = [
    "午休时在辅导室面谈二十分钟，学生表示最近睡眠不好，约定两周后再聊。",
    "电话联系家长并与学生面谈，暂无危险，建议多参加班级活动。",
]


def seed(ctx: SimpleNamespace) -> None:
    rng = random.Random(505)
    users = ctx.users
    phq9, gad7 = _instruments()
    _grade_counselors(ctx)
    _screening_consent(ctx, [c for c in ctx.classes if c.grade_id in (ctx.grades[0].pk, ctx.grades[1].pk)])
    grade1 = ctx.grades[0]
    grade1_classes = [c for c in ctx.classes if c.grade_id == grade1.pk]
    counselor = users["counselor1"]

    # Titles are named from the screenings' own dates, so the demo agrees with itself on any day.
    intake_day = ctx.today - datetime.timedelta(days=45)
    intake, created = _finished_screening(
        ctx, rng, f"{season_name(intake_day)}初一心理普查", [phq9, gad7], grade1, opened_days_ago=45, by=counselor
    )
    if created:
        _handle_intake_warnings(ctx, rng, intake)
    follow_up_day = ctx.today - datetime.timedelta(days=16)
    follow_up, created = _finished_screening(
        ctx, rng, f"初一{follow_up_day.month}月心理复查", [phq9], grade1, opened_days_ago=16, by=counselor
    )
    if created:
        _handle_follow_up_warnings(ctx, follow_up)
    _open_screening(ctx, rng, [phq9, gad7], [ctx.grades[0], ctx.grades[1]], by=counselor)
    _focus_list(ctx, grade1_classes)
    _zero_reports(ctx, rng)
    _home_visits(ctx, rng)


def _instruments() -> tuple[Instrument, Instrument]:
    library.install_builtin()
    example = definitions.load((BUILTIN_DIR / "examples" / "class_climate.json").read_bytes())
    if not Instrument.objects.filter(code=example["code"]).exists():
        library.save_definition(example, source=InstrumentSource.IMPORTED, by=None)
    for code, name, options, items in BUILT_QUESTIONNAIRES:
        if not Instrument.objects.filter(code=code).exists():
            definition = library.build_definition(
                code=code, name=name, instructions="", options=options, items=items, bands=[], language="zh-hans"
            )
            library.save_definition(definition, source=InstrumentSource.BUILT, by=None)
    return Instrument.objects.get(code="phq9"), Instrument.objects.get(code="gad7")


def _screening_consent(ctx: SimpleNamespace, classes) -> None:
    """The guardians' consent forms for screening came back at the start of term for the classes
    screened below. teacher1's class keeps the school-year demo's story (a refusal, forms missing)."""
    for school_class in classes:
        if school_class.pk == ctx.teacher1_class.pk:
            continue
        profiles = list(school_class.students.active().select_related("user").order_by("student_number"))
        if ConsentRecord.objects.filter(
            student__in=[p.user for p in profiles], purpose=ConsentPurpose.SCREENING
        ).exists():
            continue
        record_class_consent(
            rows=[
                BulkRow(p.user, ConsentState.GIVEN, f"SC{ctx.term.school_year}-{p.student_number}") for p in profiles
            ],
            purpose=ConsentPurpose.SCREENING,
            dated=ctx.term.start + datetime.timedelta(days=12),
            method=ConsentMethod.PAPER,
            by=school_class.class_teacher or ctx.users["head"],
        )


def _grade_counselors(ctx: SimpleNamespace) -> None:
    for grade, username in zip(ctx.grades[:4], ["counselor1", "counselor2", "counselor3", "counselor4"], strict=True):
        GradeCounselor.objects.get_or_create(grade=grade, defaults={"counselor": ctx.users[username]})


def _at(ctx: SimpleNamespace, days: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    day = ctx.today + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _screening(ctx, title: str, parts, grades, opens_at, closes_at, by) -> tuple[Screening, bool]:
    existing = Screening.objects.filter(title=title, term=ctx.term).first()
    if existing is not None:
        return existing, False
    screening = Screening(
        title=title,
        description="这份问卷帮助心理辅导室了解同学们最近的状态。请根据自己的真实情况作答，没有对错之分。",
        term=ctx.term,
        scope=TargetScope.GRADES,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    screening = screenings.save_screening(
        screening,
        by=by,
        grades=grades,
        parts=[(instrument, instrument.definition["scoring"]["total"]["warning_band"]) for instrument in parts],
    )
    # Published in the past: invitations as publish() makes them, without its "closes in the
    # future" check, which a finished screening fails by design.
    profiles = screenings.targeted_profiles(screening).values_list("user_id", "school_class_id")
    Invitation.objects.bulk_create(
        [
            Invitation(screening=screening, student_id=user_id, school_class_id=class_id)
            for user_id, class_id in profiles
        ]
    )
    Screening.objects.filter(pk=screening.pk).update(status=ScreeningStatus.PUBLISHED, published_at=opens_at)
    screening.refresh_from_db()
    return screening, True


def realistic_answers(rng: random.Random, instrument: Instrument, total: int, *, critical: int = 0) -> dict[str, int]:
    """Choice answers to ``instrument`` adding up to ``total``; for PHQ-9 item 9 gets ``critical``."""
    items = [item["id"] for item in instrument.items if item["type"] == "choice"]
    answers = dict.fromkeys(items, 0)
    free = [i for i in items if not (instrument.code == "phq9" and i == "9")]
    if instrument.code == "phq9":
        answers["9"] = critical
        total = max(total, critical)
    left = min(total - answers.get("9", 0), 3 * len(free))
    while left > 0:
        item = rng.choice([i for i in free if answers[i] < 3])
        answers[item] += 1
        left -= 1
    return answers


def _target_total(rng: random.Random, high: int) -> int:
    weights = [w for _low, _high, w in BAND_WEIGHTS]
    low, top, _w = rng.choices(BAND_WEIGHTS, weights=weights)[0]
    return min(rng.randint(low, top), high)


def _finished_screening(ctx, rng, title, parts, grade, *, opened_days_ago: int, by) -> tuple[Screening, bool]:
    opens_at = _at(ctx, -opened_days_ago, 8)
    screening, created = _screening(ctx, title, parts, [grade], opens_at, opens_at + datetime.timedelta(days=7), by)
    if not created:
        return screening, False
    invitations = list(
        Invitation.objects.filter(screening=screening)
        .select_related("student")
        .order_by("school_class_id", "student__username")
    )
    screening_parts = screenings.parts_of(screening)
    # A few students never answered; the first five cover every PHQ-9 band for certain.
    forced = [2, 7, 12, 17, 23]
    for index, invitation in enumerate(invitations):
        if index >= len(forced) and rng.random() < 0.06:
            continue
        when = opens_at + datetime.timedelta(
            days=rng.randint(0, 5), hours=rng.randint(1, 9), minutes=rng.randint(0, 59)
        )
        if not may_take_part(invitation.student, screening, when.date()):
            continue  # no guardian consent on record: the student was not asked
        phq_total = forced[index] if index < len(forced) else _target_total(rng, 27)
        critical = 0
        if phq_total >= 10 and rng.random() < 0.2:
            critical = rng.choice([1, 1, 2, 3])
        answers = {}
        for part in screening_parts:
            if part.instrument.code == "phq9":
                answers["phq9"] = realistic_answers(rng, part.instrument, phq_total, critical=critical)
            else:
                gad_total = max(0, min(21, phq_total + rng.randint(-4, 3)))
                answers[part.instrument.code] = realistic_answers(rng, part.instrument, gad_total)
        _past_submission(screening, screening_parts, invitation, answers, when)
    return screening, True


def _past_submission(screening, parts, invitation, answers, when) -> None:
    """A submission as ``screenings.submit`` stores it, dated in the past; the warning (if any) is
    created here without notifications, which would be stale (see the _handle_* functions)."""
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.SUBMITTED, submitted_at=when)
        submission = Submission.objects.create(
            screening=screening,
            student=invitation.student,
            school_class_id=invitation.school_class_id,
            submitted_at=when,
            answers=json.dumps(answers, ensure_ascii=False),
        )
        results = [screenings.score_part(part, answers[part.instrument.code], submission) for part in parts]
        Result.objects.bulk_create(results)
        by_band = any(reaches_warning_band(part, result) for part, result in zip(parts, results, strict=True))
        critical = any(result.is_critical for result in results)
        if by_band or critical:
            grade_counselor = GradeCounselor.objects.filter(grade_id=invitation.school_class.grade_id).first()
            ScreeningWarning.objects.create(
                student=invitation.student,
                screening=screening,
                submission=submission,
                counselor=grade_counselor.counselor if grade_counselor else None,
                is_critical=critical,
                by_band=by_band,
                created_at=when,
            )


def _past_crisis(warning: ScreeningWarning, case, *, acknowledged_by) -> None:
    """The crisis path a critical answer started when it was given, as ``raise_signal`` stores it
    (a crisis signal linked to the case, and its escalation), dated then and acknowledged minutes
    later by the head counselor: every critical answer in the demo has its escalation. Made as rows,
    not through the service, whose notices would arrive today about an old answer."""
    raised = warning.created_at
    acknowledged = raised + datetime.timedelta(minutes=12)
    invitation = Invitation.objects.get(screening_id=warning.screening_id, student_id=warning.student_id)
    escalation = Escalation.objects.create(
        student=warning.student,
        case=case,
        source=CaseSource.SCREENING_WARNING,
        risk_level=RiskLevel.HIGH,
        occurred_at=raised,
        raised_at=raised,
        rounds_sent=1,
        last_sent_at=raised,
        acknowledged_at=acknowledged,
        acknowledged_by=acknowledged_by,
    )
    RiskSignal.objects.create(
        source=SignalSource.SCREENING_ITEM,
        severity=Severity.CRISIS,
        reason=SignalReason.CRITICAL_ITEM,
        student=warning.student,
        source_url=reverse("archives:warning_detail", args=[warning.pk]),
        source_key=f"archives:invitation:{invitation.pk}:critical_item",
        counselor=case.counselor,
        case=case,
        escalation=escalation,
        raised_at=raised,
        rounds_sent=1,
        last_sent_at=raised,
        status=SignalStatus.ACKNOWLEDGED,
        handled_at=acknowledged,
        handled_by=acknowledged_by,
    )
    if RiskLevel.rank(case.risk_level) < RiskLevel.rank(RiskLevel.HIGH):
        Case.objects.filter(pk=case.pk).update(risk_level=RiskLevel.HIGH)


def _handle_intake_warnings(ctx, rng, intake: Screening) -> None:
    """The intake's warnings were handled the way an office would: every critical one led to a
    case, the others were contacted or dismissed."""

    head = ctx.users["head"]
    for index, warning in enumerate(
        ScreeningWarning.objects.filter(screening=intake, status=WarningStatus.OPEN)
        .select_related("student", "counselor")
        .order_by("id")
    ):
        handled_at = warning.created_at + datetime.timedelta(hours=rng.randint(2, 30))
        by = warning.counselor or head
        if warning.is_critical or index % 4 == 0:
            case = open_case(student=warning.student, counselor=by, source=CaseSource.SCREENING_WARNING, opened_by=by)
            status, note = WarningStatus.CASE_OPENED, ""
            if warning.is_critical:
                _past_crisis(warning, case, acknowledged_by=head)
        elif index % 4 in (1, 2):
            case, status, note = None, WarningStatus.CONTACTED, CONTACT_NOTES[index % len(CONTACT_NOTES)]
        else:
            case, status, note = None, WarningStatus.DISMISSED, DISMISS_REASONS[index % len(DISMISS_REASONS)]
        ScreeningWarning.objects.filter(pk=warning.pk).update(
            status=status, case=case, note=note, handled_at=handled_at, handled_by=by
        )


def _handle_follow_up_warnings(ctx, follow_up: Screening) -> None:
    """Of the follow-up's warnings some were contacted or dismissed; the rest are open, some of
    them for more than two days (they stand out). Every critical one led to a case."""

    head = ctx.users["head"]
    for index, warning in enumerate(
        ScreeningWarning.objects.filter(screening=follow_up, status=WarningStatus.OPEN)
        .select_related("student", "counselor")
        .order_by("id")
    ):
        handled = {
            "handled_at": warning.created_at + datetime.timedelta(days=1),
            "handled_by": warning.counselor or head,
        }
        if warning.is_critical:
            case = open_case(
                student=warning.student,
                counselor=warning.counselor or head,
                source=CaseSource.SCREENING_WARNING,
                opened_by=warning.counselor or head,
            )
            ScreeningWarning.objects.filter(pk=warning.pk).update(
                status=WarningStatus.CASE_OPENED, case=case, **handled
            )
            _past_crisis(warning, case, acknowledged_by=head)
        elif index % 4 == 2:
            ScreeningWarning.objects.filter(pk=warning.pk).update(
                status=WarningStatus.CONTACTED, note=CONTACT_NOTES[0], **handled
            )
        elif index % 4 == 3:
            ScreeningWarning.objects.filter(pk=warning.pk).update(
                status=WarningStatus.DISMISSED, note=DISMISS_REASONS[0], **handled
            )
        elif index % 4 == 1:
            # Raised yesterday: open, not yet overdue.
            ScreeningWarning.objects.filter(pk=warning.pk).update(
                created_at=timezone.now() - datetime.timedelta(hours=20)
            )
        # index % 4 == 0: open since the follow-up ran two weeks ago, so overdue.


def _open_screening(ctx, rng, parts, grades, *, by) -> None:
    """Open now; about half of 初一 and 初二 have answered through the real submit path."""
    opens_at = _at(ctx, -2, 8)
    title = f"{season_name(opens_at.date())}全校心理健康普查（初一、初二）"
    screening, created = _screening(ctx, title, parts, grades, opens_at, _at(ctx, 5, 18), by)
    if not created:
        return
    skip = {ctx.users["student1"].pk, ctx.users["student2"].pk}
    invitations = [
        i
        for i in Invitation.objects.filter(screening=screening)
        .select_related("screening", "student")
        .order_by("student__username")
        if i.student_id not in skip
    ]
    # Mostly calm answers from about half the students; one total reaches the warning band and
    # one student reports thoughts of self-harm today (the crisis path).
    special = {0: (12, 0), 1: (21, 2)}
    participating = [i for i in invitations if may_take_part(i.student, screening)]
    for index, invitation in enumerate(participating):
        if index not in special and rng.random() < 0.5:
            continue
        total, critical = special.get(index, (min(_target_total(rng, 27), 9), 0))
        gad_total = max(0, min(21 if index in special else 9, total + rng.randint(-3, 2)))
        answers = {
            "phq9": realistic_answers(rng, parts[0], total, critical=critical),
            "gad7": realistic_answers(rng, parts[1], gad_total),
        }
        screenings.submit(invitation, answers)
    # A student who saved half the answers to continue later.
    pending = next((i for i in participating if i.status == InvitationStatus.PENDING), None)
    if pending is not None:
        screenings.save_draft(pending, {"phq9": {"1": 1, "2": 0, "3": 2}})


HOME_VISIT_NOTES = [
    "",
    "母亲在家辅导作业，希望老师多鼓励。",
    "父亲工作忙，约定每月电话沟通一次。",
    "",
    "奶奶带孩子，作息规律，建议减少手机时间。",
]


def _home_visits(ctx, rng: random.Random) -> None:
    """Visits this school year in teacher1's class (skipped when the class has any already)."""
    school_class = ctx.teacher1_class
    teacher = ctx.users["teacher1"]
    if HomeVisit.objects.filter(school_class=school_class).exists():
        return
    year = visits.school_year_of(ctx.today)
    days_so_far = max((ctx.today - year.start).days, 1)
    pupils = list(
        StudentProfile.objects.filter(school_class=school_class, is_archived=False)
        .select_related("user")
        .order_by("student_number")
    )
    now = timezone.now()
    for index, profile in enumerate(pupils):
        if index % 3 == 2:
            if index % 2:
                HomeVisit.objects.create(
                    student=profile.user,
                    school_class=school_class,
                    planned_for=ctx.today + datetime.timedelta(days=rng.randint(3, 20)),
                    channel=VisitChannel.HOME,
                    created_by=teacher,
                )
            continue
        day = year.start + datetime.timedelta(days=rng.randint(0, days_so_far - 1))
        HomeVisit.objects.create(
            student=profile.user,
            school_class=school_class,
            planned_for=day,
            visited_on=day,
            channel=rng.choice([VisitChannel.HOME, VisitChannel.HOME, VisitChannel.SCHOOL, VisitChannel.PHONE]),
            met=rng.choice([GuardianRelation.MOTHER, GuardianRelation.FATHER, GuardianRelation.GRANDPARENT]),
            topics=rng.sample([VisitTopic.STUDY, VisitTopic.HEALTH, VisitTopic.FAMILY, VisitTopic.SCREENS], 2),
            note=HOME_VISIT_NOTES[index % len(HOME_VISIT_NOTES)],
            visited_by=teacher,
            created_by=teacher,
            recorded_at=now,
        )


def _focus_list(ctx, grade1_classes) -> None:
    counselor = ctx.users["counselor1"]
    school_class = ctx.teacher1_class
    teacher = ctx.users["teacher1"]
    profiles = list(
        StudentProfile.objects.filter(school_class=school_class)
        .exclude(user__username__in=["student1", "student2"])
        .select_related("user")
        .order_by("student_number")[:3]
    )
    categories = {c.code: c for c in ConcernCategory.objects.all()}
    plans = [
        (FocusLevel.KEY, "family", "每周找他聊一次，留意出勤和作业情况", "父母近期离异，跟随母亲生活，情绪起伏较大。"),
        (
            FocusLevel.ATTENTION,
            "study",
            "考试前后多鼓励，发现情绪低落及时告诉心理老师",
            "学业压力大，入学普查中度焦虑，已面谈两次。",
        ),
        (
            FocusLevel.INTENSIVE,
            "emotions",
            "每天留意情绪，有异常立即联系心理辅导室",
            "普查 PHQ-9 第 9 题阳性，已开案并转介家长，密切跟进。",
        ),
    ]
    for profile, (level, code, request, note) in zip(profiles, plans, strict=False):
        student = profile.user
        if FocusEntry.objects.filter(student=student).exists():
            continue
        category = categories.get(code) or next(iter(categories.values()))
        entry = focus.add(student, level=level, category=category, teacher_request=request, note=note, by=counselor)
        FocusEntry.objects.filter(pk=entry.pk).update(started_at=_at(ctx, -30, 10))
        for days, text, channel in LOG_ENTRIES[profile.student_number[-1:] in "13579"]:
            ClassLogEntry.objects.create(
                student=student,
                school_class=school_class,
                teacher=teacher,
                date=ctx.today + datetime.timedelta(days=days),
                channel=channel,
                text=text,
            )


def _window_title(closes_on: datetime.date) -> str:
    """A zero-report window is named after the holiday it comes before ("国庆节前..."), else after
    the part of the month it closes in ("12月上旬..."): the name always agrees with the dates, and the
    demo's two windows, 30 days apart, never share one."""
    holiday = before_holiday(closes_on)
    return f"{holiday}前心理问题零报告" if holiday else f"{part_of_month(closes_on)}心理问题零报告"


def _zero_reports(ctx, rng) -> None:
    head = ctx.users["head"]
    closes_on = ctx.today - datetime.timedelta(days=27)
    past, created = ReportingWindow.objects.get_or_create(
        title=_window_title(closes_on),
        defaults={
            "term": ctx.term,
            "opens_on": ctx.today - datetime.timedelta(days=30),
            "closes_on": closes_on,
            "created_by": head,
        },
    )
    if created:
        for index, school_class in enumerate(zero.expected_classes()):
            if index in (5, 17):
                continue  # two classes never filed
            ZeroReport.objects.create(
                window=past,
                school_class=school_class,
                filed_by=school_class.class_teacher,
                filed_at=timezone.make_aware(datetime.datetime.combine(past.opens_on, datetime.time(16, 0))),
                nothing_to_report=index != 9,
                incident_count=0 if index != 9 else 1,
                incidents="" if index != 9 else "一名学生与同学发生冲突后情绪激动，已联系家长并转心理辅导室。",
            )
    closes_on = ctx.today + datetime.timedelta(days=3)
    current, created = ReportingWindow.objects.get_or_create(
        title=_window_title(closes_on),
        defaults={
            "term": ctx.term,
            "opens_on": ctx.today - datetime.timedelta(days=2),
            "closes_on": closes_on,
            "created_by": head,
        },
    )
    if created:
        for index, school_class in enumerate(zero.expected_classes()):
            # teacher1's class has not filed yet; about half of the others have.
            if school_class.pk == ctx.teacher1_class.pk or rng.random() < 0.5:
                continue
            zero.file_report(
                current,
                school_class,
                by=school_class.class_teacher,
                nothing_to_report=index != 14,
                incident_count=0 if index != 14 else 2,
                incidents="" if index != 14 else "两名学生因宿舍矛盾情绪低落，已与宿管和家长沟通。",
            )
