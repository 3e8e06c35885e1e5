"""The new-year wizard on the demo school: preview, apply once, and every refusal changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from counseling.models import AuditEntry, Grade, SchoolClass, StudentProfile, Term, User
from counseling.reports.models import SemesterReport
from counseling.reports.services import build_report, request_report
from counseling.schoolyear.models import RolloverClass, YearRollover
from counseling.services.consent import consent_students_for


def next_year_term(ctx) -> Term:
    year = ctx.term.school_year + 1
    return Term.objects.create(
        name=f"{year}-{year + 1}学年第一学期",
        school_year=year,
        semester=1,
        start=datetime.date(year, 9, 1),
        end=datetime.date(year + 1, 1, 22),
    )


def per_grade() -> dict[str, tuple[int, int]]:
    """Current classes and students per grade, as the directory shows them."""
    return {
        grade.name: (
            SchoolClass.objects.active().filter(grade=grade).count(),
            StudentProfile.objects.active().filter(school_class__grade=grade).count(),
        )
        for grade in Grade.objects.order_by("level")
    }


def wizard_data(client) -> dict:
    """What the wizard page posts when the administrator keeps every proposed teacher."""
    form = client.get(reverse("schoolyear:new_year")).context["form"]
    data = {"year": form["year"].value(), "classes": form["classes"].value()}
    for move, name in form.rows:
        data[name] = move.old_teacher.pk if move.old_teacher else ""
    return data


def snapshot() -> tuple:
    return (
        list(SchoolClass.objects.order_by("pk").values_list("pk", "grade_id", "is_archived", "class_teacher_id")),
        list(StudentProfile.objects.order_by("pk").values_list("pk", "is_archived")),
        Term.objects.current().pk,
        YearRollover.objects.count(),
    )


@pytest.mark.django_db
def test_the_preview_shows_every_move_and_changes_nothing(demo_school, client_for) -> None:
    next_year_term(demo_school)
    client = client_for(demo_school.users["admin"])
    before = snapshot()
    data = wizard_data(client)
    response = client.post(reverse("schoolyear:new_year"), data)
    page = response.content.decode()
    assert response.status_code == 200
    year = demo_school.term.school_year + 1
    assert f"预览：{year}–{year + 1}学年" in page
    assert "16 个班级升级；8 个班级毕业，共 200 名学生" in page
    assert "初一1班" in page and "初二1班" in page
    assert "新生名册导入" in page  # 初一 and 高一 are left for the new intake
    assert snapshot() == before


@pytest.mark.django_db
def test_applying_moves_classes_up_and_archives_the_graduates(demo_school, client_for) -> None:
    admin = demo_school.users["admin"]
    new_term = next_year_term(demo_school)
    graduating_class = SchoolClass.objects.active().get(grade__level=3, number=2)
    graduates = list(User.objects.filter(student_profile__school_class=graduating_class))
    moving = SchoolClass.objects.active().get(grade__level=1, number=1)
    teacher = moving.class_teacher
    released = graduating_class.class_teacher
    assert per_grade() == dict.fromkeys(["初一", "初二", "初三", "高一", "高二", "高三"], (4, 100))

    client = client_for(admin)
    data = wizard_data(client)
    # The teacher of a graduating class takes over 初一1班 as it becomes 初二1班.
    data[f"teacher_{moving.pk}"] = released.pk
    response = client.post(reverse("schoolyear:new_year_apply"), data)

    rollover = YearRollover.objects.get(school_year=new_term.school_year)
    assert response["Location"] == reverse("schoolyear:rollover", args=[rollover.pk])
    assert per_grade() == {
        "初一": (0, 0),
        "初二": (4, 100),
        "初三": (4, 100),
        "高一": (0, 0),
        "高二": (4, 100),
        "高三": (4, 100),
    }
    assert (rollover.school_year, rollover.classes_moved, rollover.classes_archived, rollover.students_archived) == (
        new_term.school_year,
        16,
        8,
        200,
    )
    moving.refresh_from_db()
    assert (moving.grade.name, moving.class_teacher) == ("初二", released)
    graduating_class.refresh_from_db()
    assert graduating_class.is_archived and graduating_class.class_teacher is None
    assert Term.objects.current() == new_term
    # Graduates: archived, signed out for good, out of current lists, but nothing deleted.
    for student in graduates:
        student.refresh_from_db()
        assert not student.is_active
        assert student.student_profile.is_archived
        assert student.student_profile.school_class == graduating_class
    assert not StudentProfile.objects.active().filter(user__in=graduates).exists()
    assert not consent_students_for(admin).filter(user__in=graduates).exists()
    assert StudentProfile.objects.count() == 600 + 21  # the demo's earlier graduates included
    row = RolloverClass.objects.get(rollover=rollover, school_class=moving)
    assert (row.from_grade.name, row.to_grade.name, row.old_teacher, row.new_teacher) == (
        "初一",
        "初二",
        teacher,
        released,
    )
    assert AuditEntry.objects.for_object(rollover).get().actor == admin
    page = client.get(response["Location"]).content.decode()
    assert "导入新一届起始年级的名册" in page


@pytest.mark.django_db
def test_a_graduates_records_stay_reachable(demo_school, client_for) -> None:
    """The head counselor can still export a graduate's data after the rollover."""
    next_year_term(demo_school)
    graduate = User.objects.filter(student_profile__school_class__grade__level=6).first()
    client = client_for(demo_school.users["admin"])
    client.post(reverse("schoolyear:new_year_apply"), wizard_data(client))
    graduate.refresh_from_db()
    assert graduate.student_profile.is_archived
    head = client_for(demo_school.users["head"])
    page = head.get(
        reverse("schoolyear:export_search"), {"q": graduate.student_profile.student_number}
    ).content.decode()
    assert graduate.name in page
    assert head.get(reverse("schoolyear:export_student", args=[graduate.pk])).status_code == 200


@pytest.mark.django_db
def test_past_terms_keep_their_report_numbers(demo_school, client_for) -> None:
    next_year_term(demo_school)
    past = Term.objects.filter(end__lt=demo_school.today).order_by("-end").first()
    report = request_report(past, demo_school.users["head"])
    build_report(report.pk)
    report.refresh_from_db()
    stored = report.data
    client = client_for(demo_school.users["admin"])
    client.post(reverse("schoolyear:new_year_apply"), wizard_data(client))
    assert SemesterReport.objects.get(pk=report.pk).data == stored


@pytest.mark.django_db
def test_applying_twice_is_refused(demo_school, client_for) -> None:
    next_year_term(demo_school)
    client = client_for(demo_school.users["admin"])
    data = wizard_data(client)
    client.post(reverse("schoolyear:new_year_apply"), data)
    after_first = snapshot()
    response = client.post(reverse("schoolyear:new_year_apply"), data)
    assert response.status_code == 409
    year = demo_school.term.school_year + 1
    assert f"{year}–{year + 1}学年已于" in response.content.decode()
    assert snapshot() == after_first


@pytest.mark.django_db
def test_the_wrong_year_is_refused(demo_school, client_for) -> None:
    next_year_term(demo_school)
    client = client_for(demo_school.users["admin"])
    before = snapshot()
    data = wizard_data(client)
    data["year"] = int(data["year"]) + 1
    response = client.post(reverse("schoolyear:new_year_apply"), data)
    assert response.status_code == 409
    assert "只能开始" in response.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
def test_without_the_next_years_first_term_nothing_can_start(demo_school, client_for) -> None:
    client = client_for(demo_school.users["admin"])
    page = client.get(reverse("schoolyear:new_year")).content.decode()
    year = demo_school.term.school_year + 1
    assert f"请先创建{year}–{year + 1}学年的第一学期" in page
    assert "<select" not in page


@pytest.mark.django_db
def test_a_grade_with_nowhere_to_go_is_a_collision(demo_school, client_for) -> None:
    next_year_term(demo_school)
    Grade.objects.filter(level=6).update(is_graduating=False)
    client = client_for(demo_school.users["admin"])
    before = snapshot()
    page = client.get(reverse("schoolyear:new_year")).content.decode()
    assert "高三1班无法升级" in page
    response = client.post(
        reverse("schoolyear:new_year_apply"), {"year": demo_school.term.school_year + 1, "classes": "1"}
    )
    assert response.status_code == 409
    assert snapshot() == before


@pytest.mark.django_db
def test_one_teacher_for_two_classes_is_refused(demo_school, client_for) -> None:
    next_year_term(demo_school)
    client = client_for(demo_school.users["admin"])
    data = wizard_data(client)
    first, second = SchoolClass.objects.active().filter(grade__level=1).order_by("number")[:2]
    data[f"teacher_{second.pk}"] = first.class_teacher.pk
    before = snapshot()
    preview = client.post(reverse("schoolyear:new_year"), data)
    assert preview.status_code == 400
    assert f"{first.class_teacher}被指定为多个班级的班主任" in preview.content.decode()
    response = client.post(reverse("schoolyear:new_year_apply"), data)
    assert response.status_code == 409
    assert snapshot() == before


@pytest.mark.django_db
def test_classes_changed_since_the_preview_are_refused(demo_school, client_for) -> None:
    next_year_term(demo_school)
    client = client_for(demo_school.users["admin"])
    data = wizard_data(client)
    SchoolClass.objects.create(grade=Grade.objects.get(level=2), number=5, entry_year=demo_school.term.school_year - 1)
    before = snapshot()
    response = client.post(reverse("schoolyear:new_year_apply"), data)
    assert response.status_code == 409
    assert "预览之后班级有变动" in response.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
def test_only_the_administrator_runs_the_wizard(demo_school, client_for) -> None:
    next_year_term(demo_school)
    admin_client = client_for(demo_school.users["admin"])
    data = wizard_data(admin_client)
    for name in ("head", "teacher1", "leader"):
        assert client_for(demo_school.users[name]).post(reverse("schoolyear:new_year_apply"), data).status_code == 403
    assert not YearRollover.objects.filter(school_year=demo_school.term.school_year + 1).exists()


@pytest.mark.django_db
def test_the_wizard_page_costs_the_same_with_few_classes_or_many(client_for, administrator, school_class, term) -> None:
    from counseling.tests.factories import GradeFactory, SchoolClassFactory, UserFactory

    GradeFactory(level=2, name="八年级")
    Term.objects.create(
        name="next",
        school_year=term.school_year + 1,
        semester=1,
        start=datetime.date(term.school_year + 1, 9, 1),
        end=datetime.date(term.school_year + 2, 1, 20),
    )
    client = client_for(administrator)
    url = reverse("schoolyear:new_year")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for number in range(2, 12):
        teacher = UserFactory(username=f"t{number}", role="class_teacher")
        SchoolClassFactory(grade=school_class.grade, number=number, class_teacher=teacher)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert page.count("<select") == 11
    assert len(few) == len(many)
