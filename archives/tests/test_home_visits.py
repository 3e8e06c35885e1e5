"""Home visits (家访) and the home–school contact card (家校联系卡): the class teacher plans and records
a visit for each pupil; the counseling staff read them; nobody else reaches them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from archives import digest, export, reporting
from archives.models import GradeCounselor, HomeVisit, VisitChannel, VisitTopic
from archives.retention import KINDS
from archives.services import visits
from counseling.enums import GuardianRelation
from counseling.models import AuditEntry
from counseling.services.sections import publish
from counseling.tests import notices
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def year(term) -> visits.SchoolYear:
    """This school year (the standard term is the current one)."""
    return visits.school_year_of(TODAY)


def _done(student, day, by, **fields) -> HomeVisit:
    """A visit recorded on ``day`` (any day: the services and forms refuse the far past, tests need it)."""
    profile = student.student_profile
    return HomeVisit.objects.create(
        student=student,
        school_class=profile.school_class,
        planned_for=day,
        visited_on=day,
        visited_by=by,
        recorded_at=timezone.now(),
        met=GuardianRelation.MOTHER,
        topics=[VisitTopic.STUDY],
        **fields,
    )


def _record_data(**overrides) -> dict:
    data = {
        "visited_on": TODAY.isoformat(),
        "channel": VisitChannel.HOME,
        "met": GuardianRelation.MOTHER,
        "met_other": "",
        "topics": [VisitTopic.STUDY, VisitTopic.SCREENS],
        "note": "母亲说孩子最近睡得晚",
    }
    data.update(overrides)
    return data


def test_class_teacher_plans_then_records_a_visit(student, class_teacher, client_for) -> None:
    client = client_for(class_teacher)
    page = client.get(reverse("archives:visit_class", args=[student.student_profile.school_class_id]))
    assert page.status_code == 200
    assert student.get_full_name() in page.content.decode()
    assert 'data-testid="not-visited"' in page.content.decode()

    day = TODAY + datetime.timedelta(days=3)
    response = client.post(
        reverse("archives:visit_plan", args=[student.pk]), {"planned_for": day.isoformat(), "channel": "home"}
    )
    assert response.status_code == 302
    visit = HomeVisit.objects.get(student=student)
    assert (visit.planned_for, visit.visited_on, visit.created_by) == (day, None, class_teacher)
    assert visit.school_class == student.student_profile.school_class
    page = client.get(response.url).content.decode()
    assert reverse("archives:visit_edit", args=[visit.pk]) in page  # "record the planned visit"

    response = client.post(reverse("archives:visit_edit", args=[visit.pk]), _record_data())
    assert response.status_code == 302
    assert "家访已记录。" in client.get(response.url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    visit.refresh_from_db()
    assert visit.visited_on == TODAY and visit.visited_by == class_teacher
    assert visit.topics == ["study", "screens"] and visit.note == "母亲说孩子最近睡得晚"
    assert HomeVisit.objects.count() == 1  # the plan became the visit
    page = client.get(response.url).content.decode()
    assert 'data-testid="not-visited"' not in page
    actions = list(AuditEntry.objects.filter(object_type="archives.homevisit").values_list("action", "detail"))
    assert ("create", "planned") in actions and ("change", "recorded") in actions


def test_class_teacher_records_an_unplanned_visit_and_corrects_it_within_the_window(
    student, class_teacher, client_for
) -> None:
    client = client_for(class_teacher)
    response = client.post(
        reverse("archives:visit_record", args=[student.pk]),
        _record_data(met=GuardianRelation.OTHER, met_other="姑姑", channel=VisitChannel.PHONE),
    )
    assert response.status_code == 302
    visit = HomeVisit.objects.get(student=student)
    assert (visit.planned_for, visit.visited_on, visit.met_other) == (TODAY, TODAY, "姑姑")
    page = client.get(reverse("archives:visit_edit", args=[visit.pk]))
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "姑姑" in page.content.decode()  # the form shows what was recorded
    response = client.post(reverse("archives:visit_edit", args=[visit.pk]), _record_data(note="更正"))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.note == "更正"
    assert AuditEntry.objects.filter(object_type="archives.homevisit", detail__startswith="fields:").exists()

    # After the window the visit stands: shown, not changed.
    HomeVisit.objects.filter(pk=visit.pk).update(recorded_at=timezone.now() - datetime.timedelta(days=8))
    page = client.get(reverse("archives:visit_edit", args=[visit.pk])).content.decode()
    assert "<form" not in page.split('<main id="main"')[1] and "更正" in page
    client.post(reverse("archives:visit_edit", args=[visit.pk]), _record_data(note="再改"))
    visit.refresh_from_db()
    assert visit.note == "更正"


def test_bad_input_changes_nothing_and_says_why(student, class_teacher, client_for) -> None:
    client = client_for(class_teacher)
    url = reverse("archives:visit_record", args=[student.pk])
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    cases = [
        (_record_data(visited_on=tomorrow), "未来"),
        (_record_data(visited_on="9999-12-31"), "请输入"),
        (_record_data(met=GuardianRelation.OTHER, met_other=""), "请说明"),
        (_record_data(topics=[]), "这个字段是必填项"),
        (_record_data(topics=["nonsense"]), "nonsense"),
        (_record_data(note="长" * 1001), "1000"),
    ]
    for data, message in cases:
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    response = client.post(
        reverse("archives:visit_plan", args=[student.pk]), {"planned_for": "0001-01-01", "channel": "home"}
    )
    assert response.status_code == 400
    assert not HomeVisit.objects.exists()


def test_a_planned_visit_can_be_cancelled_a_recorded_one_cannot(student, class_teacher, client_for) -> None:
    client = client_for(class_teacher)
    planned = visits.plan(student, planned_for=TODAY, channel=VisitChannel.HOME, by=class_teacher)
    assert client.post(reverse("archives:visit_cancel", args=[planned.pk])).status_code == 302
    assert not HomeVisit.objects.exists()
    done = _done(student, TODAY, class_teacher)
    client.post(reverse("archives:visit_cancel", args=[done.pk]))
    assert HomeVisit.objects.filter(pk=done.pk).exists()


def test_another_class_teacher_gets_404(student, class_teacher, other_teacher, client_for) -> None:
    visit = _done(student, TODAY, class_teacher)
    client = client_for(other_teacher)
    urls = [
        reverse("archives:visit_class", args=[student.student_profile.school_class_id]),
        reverse("archives:visit_card", args=[student.pk]),
        reverse("archives:visit_plan", args=[student.pk]),
        reverse("archives:visit_record", args=[student.pk]),
        reverse("archives:visit_edit", args=[visit.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("archives:visit_cancel", args=[visit.pk])).status_code == 404
    assert client.post(reverse("archives:visit_record", args=[student.pk]), _record_data()).status_code == 404
    assert HomeVisit.objects.count() == 1
    # Their overview lists their own class only.
    page = client.get(reverse("archives:visit_overview")).content.decode()
    assert str(student.student_profile.school_class) not in page


def test_leaders_administrators_students_and_guardians_get_403(
    student, class_teacher, leader, administrator, guardian, client_for
) -> None:
    visit = _done(student, TODAY, class_teacher, note="保密")
    urls = [
        reverse("archives:visit_overview"),
        reverse("archives:visit_class", args=[student.student_profile.school_class_id]),
        reverse("archives:visit_card", args=[student.pk]),
        reverse("archives:visit_plan", args=[student.pk]),
        reverse("archives:visit_edit", args=[visit.pk]),
    ]
    for user in (leader, administrator, student, guardian):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user.role, url)
    assert list(HomeVisit.objects.visible_to(leader)) == []
    assert list(HomeVisit.objects.visible_to(guardian)) == []


def test_counselors_read_the_class_and_the_card_but_do_not_record(
    student, class_teacher, counselor, head, grade_counselor, guardian, client_for
) -> None:
    _done(student, TODAY, class_teacher, note="家里刚搬家", met_other="")
    student.student_profile.guardian_name = "张建国"
    student.student_profile.guardian_phone = "13900000009"
    student.student_profile.save()
    client = client_for(head)
    page = client.get(reverse("archives:visit_class", args=[student.student_profile.school_class_id])).content.decode()
    assert student.get_full_name() in page and reverse("archives:visit_plan", args=[student.pk]) not in page
    card = client.get(reverse("archives:visit_card", args=[student.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = card.content.decode()
    assert card.status_code == 200
    # The pupil, both guardians on record, the class teacher, the office's contact and the visit log.
    for expected in (
        student.get_full_name(),
        "张建国",
        "13900000009",
        guardian.get_full_name(),
        "13800000001",
        class_teacher.get_full_name(),
        counselor.get_full_name(),
        "家里刚搬家",
        "学习与作业",
    ):
        assert expected in text, expected
    assert "<script" not in text.split('<main id="main"')[1].split("</main>")[0]
    assert AuditEntry.objects.filter(action="print", detail="home-school contact card", student_id=student.pk).exists()
    assert client_for(counselor).get(reverse("archives:visit_plan", args=[student.pk])).status_code == 403


def test_the_note_is_encrypted_at_rest(student, class_teacher) -> None:
    visit = visits.record_visit(
        student,
        visited_on=TODAY,
        channel=VisitChannel.HOME,
        met=GuardianRelation.FATHER,
        met_other="",
        topics=[VisitTopic.FAMILY],
        note="父母正在办理离婚",
        by=class_teacher,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM archives_homevisit WHERE id = %s", [visit.pk])
        raw = cursor.fetchone()[0]
    assert raw and raw != "父母正在办理离婚" and "离婚" not in raw
    assert HomeVisit.objects.get(pk=visit.pk).note == "父母正在办理离婚"


def test_not_visited_counts_this_school_year_only(student, school_class, class_teacher, client_for, year) -> None:
    visited = make_student("visited", school_class, student_number="20251111")
    last_year_only = make_student("lastyear", school_class, student_number="20252222")
    _done(visited, year.start + datetime.timedelta(days=30), class_teacher)
    _done(last_year_only, year.start - datetime.timedelta(days=30), class_teacher)
    # A visit only planned is not a visit.
    visits.plan(student, planned_for=TODAY, channel=VisitChannel.HOME, by=class_teacher)
    client = client_for(class_teacher)
    url = reverse("archives:visit_class", args=[school_class.pk])
    page = client.get(url + "?not_visited=1").content.decode()
    listed = page.split('data-testid="visit-pupils"')[1]
    assert student.get_full_name() in listed
    assert last_year_only.get_full_name() in listed
    assert visited.get_full_name() not in listed
    assert [p.username for p in visits.class_pupils(school_class, year=year) if p.last_visit is None] == [
        "student",
        "lastyear",
    ]
    # Last school year, the other way round.
    last_year = visits.school_year_of(year.start - datetime.timedelta(days=1))
    assert last_year.year == year.year - 1 and last_year.end == year.start - datetime.timedelta(days=1)
    assert {p.username for p in visits.class_pupils(school_class, year=last_year) if p.last_visit} == {"lastyear"}


def test_coverage_numbers_are_exact(
    student, school_class, other_student, other_class, class_teacher, head, client_for, year
) -> None:
    second = make_student("second", school_class, student_number="20253333")
    make_student("third", school_class, student_number="20254444")
    _done(student, year.start + datetime.timedelta(days=10), class_teacher)
    _done(student, year.start + datetime.timedelta(days=40), class_teacher)  # twice: counted once
    _done(second, year.start + datetime.timedelta(days=20), class_teacher)
    _done(other_student, year.start - datetime.timedelta(days=5), class_teacher)  # last school year
    visits.plan(other_student, planned_for=TODAY, channel=VisitChannel.HOME, by=other_class.class_teacher)
    rows = {
        r["school_class"].pk: (r["pupils"], r["visited"])
        for r in visits.coverage([school_class, other_class], year=year)
    }
    assert rows == {school_class.pk: (3, 2), other_class.pk: (1, 0)}
    page = client_for(head).get(reverse("archives:visit_overview")).content.decode()
    assert f'data-class="{school_class.pk}" data-pupils="3" data-visited="2"' in page
    assert f'data-class="{other_class.pk}" data-pupils="1" data-visited="0"' in page
    assert 'data-pupils="4" data-visited="2"' in page  # all classes
    # The semester summary: counts only, by class.
    data = reporting.summary(TODAY - datetime.timedelta(days=7), TODAY)["home_visits"]
    assert data == {
        "school_year": year.year,
        "classes": [[school_class.grade.name, 1, 3, 2], [other_class.grade.name, 2, 1, 0]],
        "pupils": 4,
        "visited": 2,
    }
    section = reporting.section({"home_visits": data}, None)
    publish([section], exact=True)
    table = next(t for t in section.tables if t.key == "home_visits")
    assert [row[1:3] for row in table.rows] == [[3, 2], [1, 0]]
    # A reader without exact figures (leaders) sees small counts hidden, and never a name.
    section = reporting.section({"home_visits": data}, None)
    publish([section])
    table = next(t for t in section.tables if t.key == "home_visits")
    assert all(cell == "*" for row in table.rows for cell in row[1:])
    assert student.get_full_name() not in str(table.rows)


def test_the_class_page_costs_the_same_queries_with_one_pupil_and_many(
    student, school_class, class_teacher, client_for
) -> None:
    client = client_for(class_teacher)
    url = reverse("archives:visit_class", args=[school_class.pk])

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = count()
    for n in range(8):
        pupil = make_student(f"many{n}", school_class, student_number=f"2026{n:04d}")
        _done(pupil, TODAY, class_teacher)
        visits.plan(pupil, planned_for=TODAY, channel=VisitChannel.HOME, by=class_teacher)
    assert count() == one


def test_class_teachers_are_reminded_from_the_second_semester(
    student, school_class, class_teacher, other_student, counselor, year
) -> None:
    def visit_lines(user, day) -> list[str]:
        return [line for line in notices.lines(digest.items_for(user, day)) if "visited at home" in line]

    assert visit_lines(class_teacher, year.start + datetime.timedelta(days=60)) == []
    later = datetime.date(year.year + 1, 3, 1)
    with translation.override("en"):
        label = str(school_class)
    assert visit_lines(class_teacher, later) == [f"1 pupil of {label} not yet visited at home this school year"]
    assert notices.lines(
        [line for line in digest.items_for(class_teacher, later) if "visited" in line.msgid], "zh-hans"
    ) == [f"{school_class}有1名学生本学年尚未家访"]
    _done(student, later - datetime.timedelta(days=1), class_teacher)
    assert visit_lines(class_teacher, later) == []
    # Counselors are not reminded of the class teachers' visits.
    assert visit_lines(counselor, later) == []


def test_the_office_contact_is_the_grade_counselor_never_the_case_holder(
    student, class_teacher, counselor, other_counselor, head
) -> None:
    card = visits.contact_card(student, viewer=class_teacher)
    assert card.office_contact == head  # no grade counselor: the head counselor
    GradeCounselor.objects.create(grade=student.student_profile.school_class.grade, counselor=other_counselor)
    assert visits.contact_card(student, viewer=class_teacher).office_contact == other_counselor


def test_a_data_request_lists_the_visits_and_keeps_the_note_for_the_confidential_part(student, class_teacher) -> None:
    _done(student, TODAY, class_teacher, note="母亲担心孩子的睡眠")
    files = export.export_student(student)
    assert TODAY.isoformat() in files["home_visits.csv"] and "睡眠" not in files["home_visits.csv"]
    confidential = export.export_confidential(student)["staff_notes.txt"]
    assert "母亲担心孩子的睡眠" in confidential and class_teacher.get_full_name() not in confidential


def test_retention_empties_the_notes_of_graduates_only(student, other_student, class_teacher) -> None:
    kind = next(k for k in KINDS if k.key == "archives.home_visit_notes")
    graduate = _done(student, TODAY, class_teacher, note="毕业生的备注")
    _done(other_student, TODAY, class_teacher, note="在校生的备注")
    expired = list(kind.after_graduation(type(student).objects.filter(pk=student.pk)))
    assert expired == [graduate]
    kind.remove(graduate)
    graduate.refresh_from_db()
    assert graduate.note == "" and graduate.visited_on == TODAY
    assert list(kind.after_graduation(type(student).objects.filter(pk=student.pk))) == []


def test_the_class_teachers_home_page_counts_pupils_still_to_visit(
    student, school_class, class_teacher, client_for, year
) -> None:
    make_student("visited", school_class, student_number="20255555")
    _done(type(student).objects.get(username="visited"), year.start + datetime.timedelta(days=1), class_teacher)
    page = client_for(class_teacher).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    link = reverse("archives:visit_class", args=[school_class.pk]) + "?not_visited=1"
    assert f'href="{link}"' in page
    assert "2名学生中有1名本学年尚未家访" in page
    assert student.get_full_name() not in page.split('data-testid="class-teacher-panel"')[1].split("</section>")[0]
