"""factory-boy factories for people and the school directory."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from counseling.enums import Gender, Role
from counseling.models import Grade, SchoolClass, StudentProfile, Term, User

PASSWORD = "test-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@school.example")
    role = Role.STUDENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ("school_year", "semester")

    school_year = factory.LazyFunction(
        lambda: timezone.localdate().year if timezone.localdate().month >= 8 else timezone.localdate().year - 1
    )
    semester = factory.LazyFunction(
        lambda: 1 if timezone.localdate().month >= 8 or timezone.localdate().month == 1 else 2
    )
    name = factory.LazyAttribute(lambda t: f"{t.school_year}-{t.school_year + 1} 第{t.semester}学期")
    start = factory.LazyAttribute(
        lambda t: datetime.date(t.school_year, 9, 1) if t.semester == 1 else datetime.date(t.school_year + 1, 2, 20)
    )
    end = factory.LazyAttribute(
        lambda t: (
            datetime.date(t.school_year + 1, 1, 31) if t.semester == 1 else datetime.date(t.school_year + 1, 7, 10)
        )
    )
    is_current = True


class GradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grade
        django_get_or_create = ("level",)

    level = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda g: f"{g.level}年级")


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClass

    grade = factory.SubFactory(GradeFactory)
    number = factory.Sequence(lambda n: n + 1)
    entry_year = 2025
    class_teacher = None


class StudentFactory(UserFactory):
    """A student user with a profile in a class."""

    role = Role.STUDENT
    profile = factory.RelatedFactory("counseling.tests.factories.StudentProfileFactory", factory_related_name="user")


class StudentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudentProfile

    user = factory.SubFactory(UserFactory)
    student_number = factory.Sequence(lambda n: f"2025{n:04d}")
    school_class = factory.SubFactory(SchoolClassFactory)
    gender = Gender.FEMALE
    date_of_birth = datetime.date(2012, 5, 1)
    guardian_name = "家长"
    guardian_phone = "13800000000"


def make_student(username: str, school_class: SchoolClass, **profile) -> User:
    """A student in ``school_class``; profile fields may be overridden."""
    user = UserFactory(username=username, role=Role.STUDENT)
    StudentProfileFactory(user=user, school_class=school_class, **profile)
    return user


def make_guardian(phone: str, *children: User, name: str = "", relation: str = "mother") -> User:
    """A guardian account signed in by ``phone``, linked to ``children`` (as an invitation would)."""
    from counseling.models import GuardianLink

    user = UserFactory(username=phone, phone=phone, name=name or f"家长{phone[-4:]}", role=Role.GUARDIAN, email="")
    for child in children:
        GuardianLink.objects.get_or_create(
            guardian=user, student=child, revoked_at=None, defaults={"relation": relation}
        )
    return user
