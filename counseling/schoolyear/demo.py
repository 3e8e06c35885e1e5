"""Demo data of the school year (called by ``manage.py seed_demo`` right after the directory).

- Graduates: the 初三 class 1 that graduated when this school year started, and a small class
  that graduated four years ago, both archived, with the rollovers that archived them.
- Guardian consent for screening in teacher1's class: most forms returned "given", one refusal,
  a few not returned; student1's guardian also agreed by phone to be contacted.
- Records ``apply_retention --dry-run`` would remove: the consent records of the class that
  graduated four years ago, the case of one of those graduates, closed five and a half years
  ago (its notes are anonymised, the case deleted), and a letter another of them wrote to the
  mailbox four years ago (its text is removed).

Runs after the case records' demo (whose guard is "no case yet") and before the archives' demo
(whose screenings need the consent on record).

Idempotent: every part checks what is there before adding.
"""

from __future__ import annotations

import datetime
import random
from types import SimpleNamespace

from django.utils import timezone

from appointments.enums import MailboxKind, MailboxStatus
from appointments.models import MailboxItem
from counseling.cases.enums import CaseSource, CaseStatus
from counseling.cases.models import Case, SessionNote
from counseling.demo import demo_name
from counseling.enums import ConsentMethod, ConsentPurpose, ConsentState, Gender, Role
from counseling.models import SchoolClass, StudentProfile, Term, User
from counseling.models.consent import ConsentRecord
from counseling.schoolyear.models import RolloverClass, YearRollover
from counseling.services.consent import record_consent

# (years since graduation, class number, students)
GRADUATES = [(1, 1, 15), (4, 2, 6)]


def _first_term(school_year: int) -> Term:
    term, _created = Term.objects.get_or_create(
        school_year=school_year,
        semester=1,
        defaults={
            "name": f"{school_year}-{school_year + 1}学年第一学期",
            "start": datetime.date(school_year, 9, 1),
            "end": datetime.date(school_year + 1, 1, 22),
        },
    )
    return term


def _graduated_class(ctx: SimpleNamespace, rng: random.Random, years_ago: int, number: int, size: int) -> SchoolClass:
    """An archived class of the last graduating grade of 初中 and the rollover that archived it."""
    year = ctx.term.school_year - years_ago + 1  # the school year whose start archived the class
    grade = ctx.grades[2]  # 初三
    entry_year = year - grade.level
    school_class, _created = SchoolClass.objects.get_or_create(
        grade=grade, number=number, entry_year=entry_year, is_archived=True
    )
    existing = set(StudentProfile.objects.filter(school_class=school_class).values_list("student_number", flat=True))
    for seat in range(1, size + 1):
        number_text = f"G{entry_year}{number:02d}{seat:02d}"
        if number_text in existing:
            continue
        user = User.objects.create(
            username=number_text.lower(),
            name=demo_name(rng),
            role=Role.STUDENT,
            password=ctx.password_hash,
            is_active=False,
        )
        StudentProfile.objects.create(
            user=user,
            student_number=number_text,
            school_class=school_class,
            gender=rng.choice([Gender.FEMALE, Gender.MALE]),
            date_of_birth=datetime.date(entry_year - 12, rng.randint(1, 12), rng.randint(1, 28)),
            guardian_name=demo_name(rng),
            guardian_phone=f"139{rng.randint(10000000, 99999999)}",
            is_archived=True,
        )
    applied = timezone.make_aware(datetime.datetime(year, 8, 25, 10, 0))
    rollover, created = YearRollover.objects.get_or_create(
        school_year=year, defaults={"term": _first_term(year), "applied_at": applied, "applied_by": ctx.users["admin"]}
    )
    if not RolloverClass.objects.filter(rollover=rollover, school_class=school_class).exists():
        RolloverClass.objects.create(
            rollover=rollover, school_class=school_class, from_grade=grade, to_grade=None, students=size
        )
    if created and years_ago == 1:
        # This year's rollover also moved every class that is now above the first year of its school.
        by_level = {g.level: g for g in ctx.grades}
        moved = [
            c for c in ctx.classes if c.grade.level - 1 in by_level and not by_level[c.grade.level - 1].is_graduating
        ]
        RolloverClass.objects.bulk_create(
            RolloverClass(
                rollover=rollover,
                school_class=c,
                from_grade=by_level[c.grade.level - 1],
                to_grade=c.grade,
                old_teacher=c.class_teacher,
                new_teacher=c.class_teacher,
                students=25,
            )
            for c in moved
        )
        rollover.classes_moved = len(moved)
    rollover.classes_archived = RolloverClass.objects.filter(rollover=rollover, to_grade__isnull=True).count()
    rollover.students_archived = sum(
        RolloverClass.objects.filter(rollover=rollover, to_grade__isnull=True).values_list("students", flat=True)
    )
    rollover.save(update_fields=["classes_moved", "classes_archived", "students_archived"])
    return school_class


def _old_closed_case(ctx: SimpleNamespace, school_class: SchoolClass) -> None:
    """A case of one of the long-ago graduates, closed five and a half years ago, with two notes."""
    student = school_class.students.select_related("user").order_by("student_number").first().user
    if Case.objects.filter(student=student).exists():
        return
    counselor = ctx.users["counselor1"]
    closed = ctx.now - datetime.timedelta(days=5 * 365 + 180)
    case = Case.objects.create(
        student=student,
        counselor=counselor,
        source=CaseSource.SELF_BOOKED,
        status=CaseStatus.CLOSED,
        opened_at=closed - datetime.timedelta(days=60),
        opened_by=counselor,
        closed_at=closed,
    )
    for days, text in ((55, "谈到初二换班后的适应困难。"), (20, "适应良好，约定结案。")):
        SessionNote.objects.create(
            case=case,
            author=counselor,
            held_on=(closed - datetime.timedelta(days=days)).date(),
            content=text,
            signed_at=closed - datetime.timedelta(days=days),
            signed_by=counselor,
        )


def _old_letter(ctx: SimpleNamespace, school_class: SchoolClass) -> None:
    """A letter one of the long-ago graduates wrote to the mailbox four years ago."""
    sender = school_class.students.select_related("user").order_by("student_number")[1].user
    if MailboxItem.objects.filter(sender=sender).exists():
        return
    item = MailboxItem.objects.create(
        sender=sender,
        kind=MailboxKind.LETTER,
        body="老师，中考前总是睡不好，怎么办？",
        status=MailboxStatus.REPLIED,
        reply="可以每天固定时间睡觉，周三下午来辅导室聊聊。",
        handled_by=ctx.users["counselor1"],
    )
    written = ctx.now - datetime.timedelta(days=4 * 365)
    MailboxItem.objects.filter(pk=item.pk).update(created_at=written, handled_at=written + datetime.timedelta(days=1))


def _consent(ctx: SimpleNamespace) -> None:
    school_class = ctx.teacher1_class
    students = [p.user for p in school_class.students.active().select_related("user").order_by("student_number")]
    if ConsentRecord.objects.filter(student__in=students).exists():
        return
    teacher = school_class.class_teacher or ctx.users["teacher1"]
    returned = ctx.term.start + datetime.timedelta(days=10)
    for index, student in enumerate(students):
        if index in (7, 15, 21):
            continue  # forms not returned yet
        record_consent(
            student=student,
            purpose=ConsentPurpose.SCREENING,
            state=ConsentState.REFUSED if index == 11 else ConsentState.GIVEN,
            dated=returned,
            method=ConsentMethod.PAPER,
            reference=f"SC{ctx.term.school_year}-{index + 1:02d}",
            by=teacher,
        )
    record_consent(
        student=ctx.users["student1"],
        purpose=ConsentPurpose.GUARDIAN_CONTACT,
        state=ConsentState.GIVEN,
        dated=returned + datetime.timedelta(days=3),
        method=ConsentMethod.PHONE,
        reference="母亲",
        by=ctx.users["counselor1"],
    )


def _old_graduates_consent(ctx: SimpleNamespace, school_class: SchoolClass) -> None:
    students = [p.user for p in school_class.students.select_related("user").order_by("student_number")]
    if ConsentRecord.objects.filter(student__in=students).exists():
        return
    dated = datetime.date(school_class.entry_year + 2, 9, 12)
    for index, student in enumerate(students):
        # Written straight in: these forms were entered years ago, long before this demo's audit chain.
        ConsentRecord.objects.create(
            student=student,
            purpose=ConsentPurpose.SCREENING,
            state=ConsentState.GIVEN,
            dated=dated,
            method=ConsentMethod.PAPER,
            reference=f"SC{dated.year}-{index + 1:02d}",
            is_current=True,
        )


def seed(ctx: SimpleNamespace) -> None:
    # A random stream of our own: drawing from ctx.rng would change every later app's demo data.
    rng = random.Random(8)
    graduated = [_graduated_class(ctx, rng, *spec) for spec in GRADUATES]
    _last_year, long_ago = graduated
    _old_graduates_consent(ctx, long_ago)
    _old_closed_case(ctx, long_ago)
    _old_letter(ctx, long_ago)
    _consent(ctx)
