"""Before the new year: the graduates' open cases are listed (counts per counselor, no names); a
graduate who comes back for senior high keeps one account and one archive."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from counseling.cases.models import Case
from counseling.cases.tests.factories import CaseFactory
from counseling.models import SchoolClass, StudentProfile, User
from counseling.schoolyear.services.rollover import apply_rollover, plan_rollover
from counseling.schoolyear.tests.test_rollover import next_year_term, wizard_data


def graduating_students(count: int) -> list[User]:
    profiles = StudentProfile.objects.active().filter(school_class__grade__is_graduating=True).order_by("pk")
    return [profile.user for profile in profiles[:count]]


@pytest.mark.django_db
def test_the_preview_lists_open_cases_of_graduates_per_counselor_without_names(demo_school, client_for) -> None:
    next_year_term(demo_school)
    counselor = demo_school.users["counselor2"]
    students = [s for s in graduating_students(12) if not Case.objects.active().filter(student=s).exists()][:2]
    for student in students:
        CaseFactory(student=student, counselor=counselor)
    expected = (
        Case.objects.active()
        .filter(student__student_profile__school_class__grade__is_graduating=True, counselor=counselor)
        .count()
    )
    client = client_for(demo_school.users["admin"])
    page = client.post(reverse("schoolyear:new_year"), wizard_data(client)).content.decode()
    assert "毕业学生仍未结束的事项" in page
    assert f"{counselor.name} — 未结案个案：{expected}" in page
    for student in students:
        assert student.name not in page


@pytest.mark.django_db
def test_no_open_cases_no_list(demo_school, client_for) -> None:
    next_year_term(demo_school)
    Case.objects.filter(student__student_profile__school_class__grade__is_graduating=True).update(status="closed")
    assert plan_rollover().open_at_graduation() == []
    client = client_for(demo_school.users["admin"])
    page = client.post(reverse("schoolyear:new_year"), wizard_data(client)).content.decode()
    assert "毕业学生仍未结束的事项" not in page


def roster_csv(rows: list[tuple]) -> str:
    lines = ["学号,姓名,性别,出生日期,年级,班级"]
    lines += [",".join(str(cell) for cell in row) for row in rows]
    return "\n".join(lines) + "\n"


def graduate_then_import(demo_school, client_for, number_for) -> tuple[User, int, object]:
    """Graduate the 初三 classes, then import one of them into 高一 with ``number_for(profile)``."""
    admin = demo_school.users["admin"]
    next_year_term(demo_school)
    junior = StudentProfile.objects.active().filter(school_class__grade__name="初三").select_related("user").first()
    student = junior.user
    if not student.cases.exists():
        CaseFactory(student=student, counselor=demo_school.users["counselor1"])
    plan = plan_rollover()
    apply_rollover(
        to_year=plan.to_year,
        class_ids={move.school_class.pk for move in plan.moves},
        teachers={move.school_class.pk: move.old_teacher for move in plan.moving},
        by=admin,
    )
    junior.refresh_from_db()
    assert junior.is_archived and not User.objects.get(pk=student.pk).is_active
    gender = "女" if junior.gender == "F" else "男"
    csv = roster_csv([(number_for(junior), student.name, gender, junior.date_of_birth.isoformat(), "高一", 1)])
    users_before = User.objects.count()
    response = client_for(admin).post(reverse("roster_import"), {"file": _file(csv)})
    return student, users_before, response


def _file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("roster.csv", text.encode(), content_type="text/csv")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "number_for",
    [lambda profile: profile.student_number, lambda profile: "G" + profile.student_number],
    ids=["same number", "new number"],
)
def test_a_graduate_back_in_senior_high_keeps_one_account_and_archive(demo_school, client_for, number_for) -> None:
    student, users_before, response = graduate_then_import(demo_school, client_for, number_for)
    assert User.objects.count() == users_before  # no second account
    profile = StudentProfile.objects.get(user=student)
    assert not profile.is_archived and User.objects.get(pk=student.pk).is_active
    assert profile.school_class.grade.name == "高一"
    assert not profile.school_class.is_archived
    assert student.cases.exists()  # the case history stays with the same person
    page = response.content.decode()
    assert 'data-testid="reenrolled">1<' in page


@pytest.mark.django_db
def test_two_graduates_with_the_same_name_and_birthday_are_not_guessed(demo_school, client_for) -> None:
    next_year_term(demo_school)
    first, second = StudentProfile.objects.active().filter(school_class__grade__name="初三").select_related("user")[:2]
    second.user.name = first.user.name
    second.user.save(update_fields=["name"])
    second.date_of_birth, second.gender = first.date_of_birth, first.gender
    second.save(update_fields=["date_of_birth", "gender"])
    plan = plan_rollover()
    apply_rollover(
        to_year=plan.to_year,
        class_ids={move.school_class.pk for move in plan.moves},
        teachers={move.school_class.pk: move.old_teacher for move in plan.moving},
        by=demo_school.users["admin"],
    )
    gender = "女" if first.gender == "F" else "男"
    csv = roster_csv([("NEW001", first.user.name, gender, first.date_of_birth.isoformat(), "高一", 1)])
    client_for(demo_school.users["admin"]).post(reverse("roster_import"), {"file": _file(csv)})
    assert StudentProfile.objects.get(student_number="NEW001").user_id not in {first.user_id, second.user_id}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_archived and second.is_archived
    assert SchoolClass.objects.filter(grade__name="高一", number=1, is_archived=False).exists()
