"""Demo data for people and the school directory (called by ``manage.py seed_demo``).

Every app's ``demo.py`` has ``seed(ctx)``; each must be idempotent: running the command twice
leaves the same data as running it once.
"""

from __future__ import annotations

import datetime
import random
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from counseling.enums import ConsentPurpose, Gender, GuardianRelation, NoticeAudience, Role
from counseling.models import Grade, GuardianLink, SchoolClass, StudentProfile, Term, User
from counseling.models.family import ConsentRequest
from counseling.services.consent_requests import send_consent_request
from counseling.services.family_notices import send_notice

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - the documented demo password, demo mode only
GRADES = [
    (1, "初一", False),
    (2, "初二", False),
    (3, "初三", True),
    (4, "高一", False),
    (5, "高二", False),
    (6, "高三", True),
]
CLASSES_PER_GRADE = 4
STUDENTS_PER_CLASS = 25
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "子涵欣怡梓轩浩宇雨桐思远一诺佳怡俊杰嘉怡宇航晨曦诗涵明轩雅琪博文若曦天佑紫萱家豪可馨沐阳梦琪锦程语嫣皓轩婉清"


def demo_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


# Days the school marks before a holiday; a window closing up to ten days before one is named after it.
HOLIDAYS = [(1, 1, "元旦"), (4, 4, "清明节"), (5, 1, "劳动节"), (10, 1, "国庆节")]
SEASONS = {12: "冬季", 1: "冬季", 2: "冬季", 3: "春季", 4: "春季", 5: "春季", 6: "夏季", 7: "夏季", 8: "夏季"}


def season_name(day: datetime.date) -> str:
    """The calendar season of ``day`` with its year ("2026年秋季"): demo titles are named from their
    own dates, so a demo seeded on any day agrees with itself."""
    return f"{day.year}年{SEASONS.get(day.month, '秋季')}"


def before_holiday(day: datetime.date) -> str | None:
    """The holiday that falls within ten days after ``day`` ("国庆节"), or None."""
    for month, date_of_month, name in HOLIDAYS:
        for year in (day.year, day.year + 1):
            holiday = datetime.date(year, month, date_of_month)
            if datetime.timedelta(0) <= holiday - day <= datetime.timedelta(days=10):
                return name
    return None


def part_of_month(day: datetime.date) -> str:
    """ "12月上旬": the month and which ten days of it ``day`` falls in."""
    third = "上旬" if day.day <= 10 else "中旬" if day.day <= 20 else "下旬"
    return f"{day.month}月{third}"


def current_school_year(today: datetime.date) -> int:
    return today.year if today.month >= 8 else today.year - 1


def _term(today: datetime.date) -> Term:
    year = current_school_year(today)
    first = Term.objects.get_or_create(
        school_year=year,
        semester=1,
        defaults={
            "name": f"{year}-{year + 1}学年第一学期",
            "start": datetime.date(year, 9, 1),
            "end": datetime.date(year + 1, 1, 22),
        },
    )[0]
    second = Term.objects.get_or_create(
        school_year=year,
        semester=2,
        defaults={
            "name": f"{year}-{year + 1}学年第二学期",
            "start": datetime.date(year + 1, 2, 20),
            "end": datetime.date(year + 1, 7, 10),
        },
    )[0]
    Term.objects.get_or_create(
        school_year=year - 1,
        semester=2,
        defaults={
            "name": f"{year - 1}-{year}学年第二学期",
            "start": datetime.date(year, 2, 20),
            "end": datetime.date(year, 7, 10),
        },
    )
    current = second if today >= second.start else first
    if not current.is_current:
        Term.objects.filter(is_current=True).update(is_current=False)
        current.is_current = True
        current.save(update_fields=["is_current"])
    return current


def _staff(username: str, name: str, role: Role, password: str, **extra) -> User:
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={"name": name, "role": role, "email": f"{username}@school.example", "password": password, **extra},
    )
    return user


def seed(ctx: SimpleNamespace) -> None:
    """The school: terms, six grades of four classes, ~600 students, staff and the demo sign-ins."""
    rng = ctx.rng
    password = make_password(DEMO_PASSWORD)
    ctx.password_hash = password
    ctx.term = _term(ctx.today)
    year = ctx.term.school_year

    users = ctx.users
    # The administrator works in the product (staff accounts, directory); Django's admin is for superusers only.
    users["admin"] = _staff("admin", "周干事", Role.ADMINISTRATOR, password)
    users["head"] = _staff("head", "陈静", Role.HEAD_COUNSELOR, password)
    for number, name in enumerate(["张晓雯", "赵明", "孙丽", "吴昊"], start=1):
        users[f"counselor{number}"] = _staff(f"counselor{number}", name, Role.COUNSELOR, password)
    users["leader"] = _staff("leader", "刘建国", Role.LEADER, password)
    users["moral"] = _staff("moral", "黄德育", Role.LEADER, password)

    grades = []
    for level, name, graduating in GRADES:
        grade, _ = Grade.objects.get_or_create(level=level, defaults={"name": name, "is_graduating": graduating})
        grades.append(grade)
    ctx.grades = grades

    classes = []
    teacher_number = 0
    for grade in grades:
        for number in range(1, CLASSES_PER_GRADE + 1):
            teacher_number += 1
            teacher = _staff(f"teacher{teacher_number}", demo_name(rng) + "老师", Role.CLASS_TEACHER, password)
            users[teacher.username] = teacher
            school_class, _ = SchoolClass.objects.get_or_create(
                grade=grade,
                number=number,
                is_archived=False,
                defaults={"entry_year": year - grade.level + 1, "class_teacher": teacher},
            )
            classes.append(school_class)
    ctx.classes = classes
    ctx.teacher1_class = classes[0]

    existing = set(StudentProfile.objects.values_list("student_number", flat=True))
    new_users, new_profiles = [], []
    student_index = 0
    for school_class in classes:
        for seat in range(1, STUDENTS_PER_CLASS + 1):
            student_index += 1
            number = f"{school_class.entry_year}{school_class.number:02d}{seat:02d}"
            username = f"student{student_index}" if student_index <= 2 else number
            if number in existing:
                continue
            birth_year = school_class.entry_year - 12
            user = User(username=username, name=demo_name(rng), role=Role.STUDENT, password=password)
            new_users.append(user)
            new_profiles.append(
                StudentProfile(
                    user=user,
                    student_number=number,
                    school_class=school_class,
                    gender=rng.choice([Gender.FEMALE, Gender.MALE]),
                    date_of_birth=datetime.date(birth_year, rng.randint(1, 12), rng.randint(1, 28)),
                    guardian_name=demo_name(rng),
                    guardian_phone=f"139{rng.randint(10000000, 99999999)}",
                    is_committee_member=seat == 3,
                )
            )
    if new_users:
        User.objects.bulk_create(new_users)
        created = {u.username: u for u in User.objects.filter(username__in=[u.username for u in new_users])}
        for profile in new_profiles:
            profile.user = created[profile.user.username]
        StudentProfile.objects.bulk_create(new_profiles)
    users["student1"] = User.objects.get(username="student1")
    users["student2"] = User.objects.get(username="student2")
    _guardians(ctx, password)
    ctx.now = timezone.now()


# Families of the demo class (初一 1班) who have signed up; the others still use paper slips.
GUARDIAN_ACCOUNTS = 12


def _guardians(ctx: SimpleNamespace, password: str) -> None:
    """Guardian accounts for the demo class: ``guardian1`` is student1's mother (the demo sign-in);
    the others sign in by their phone number, as invited guardians do."""
    profiles = (
        StudentProfile.objects.filter(school_class=ctx.teacher1_class, is_archived=False)
        .select_related("user")
        .order_by("user__pk")[:GUARDIAN_ACCOUNTS]
    )
    teacher = ctx.teacher1_class.class_teacher
    for index, profile in enumerate(profiles, start=1):
        phone = "13900000001" if index == 1 else profile.guardian_phone
        username = "guardian1" if index == 1 else phone
        guardian, _created = User.objects.get_or_create(
            username=username,
            defaults={
                "name": profile.guardian_name,
                "phone": phone,
                "role": Role.GUARDIAN,
                "password": password,
            },
        )
        GuardianLink.objects.get_or_create(
            guardian=guardian,
            student=profile.user,
            revoked_at=None,
            defaults={
                "relation": GuardianRelation.MOTHER if index % 2 else GuardianRelation.FATHER,
                "created_by": teacher,
            },
        )
        if index == 1:
            ctx.users["guardian1"] = guardian
            if profile.guardian_phone != phone:  # the directory knows the number she signs in with
                StudentProfile.objects.filter(pk=profile.pk).update(guardian_phone=phone)
    # teacher1 asked the class's families online for the screening consent, and wrote to them.
    if not ConsentRequest.objects.filter(school_class=ctx.teacher1_class).exists():
        send_consent_request(
            school_class=ctx.teacher1_class,
            purpose=ConsentPurpose.SCREENING,
            explanation=(
                "本学期学校将开展心理健康普查（问卷约10分钟，在校内完成）。结果仅心理老师可见，用于及时提供帮助，"
                "不计入任何成绩。请您选择是否同意孩子参加；没有手机的家庭仍可交回纸质回执。"
            ),
            by=teacher,
        )
        send_notice(
            audience=NoticeAudience.CLASS,
            school_class=ctx.teacher1_class,
            title="本月家长课堂开始报名",
            text="各位家长好！本月的家长课堂主题是“考试季，怎样给孩子情绪支持”，欢迎在“家长课堂”页面为孩子的家庭报名。",
            by=teacher,
        )
