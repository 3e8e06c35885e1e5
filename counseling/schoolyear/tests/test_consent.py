"""Guardian consent: history per student and purpose, the class's paper forms, and the screening rule."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from counseling.enums import ConsentMethod, ConsentPurpose, ConsentState
from counseling.models import AuditEntry
from counseling.models.consent import ConsentRecord
from counseling.services.consent import consent_state, opted_out_students, record_consent, screening_permitted
from counseling.tests.factories import SchoolClassFactory, make_student

SCREENING = ConsentPurpose.SCREENING


def give(student, state, by, *, dated=datetime.date(2026, 9, 10), purpose=SCREENING, method=ConsentMethod.PAPER):
    return record_consent(
        student=student, purpose=purpose, state=state, dated=dated, method=method, reference="SC-1", by=by
    )


def aged(student, years: int, on: datetime.date):
    profile = student.student_profile
    profile.date_of_birth = on.replace(year=on.year - years)
    profile.save(update_fields=["date_of_birth"])
    return student


# --- the rule archives calls ---------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_on_record_is_unknown(student) -> None:
    assert consent_state(student, SCREENING) == ConsentState.UNKNOWN


@pytest.mark.django_db
def test_the_latest_answer_by_date_is_current_and_history_is_kept(student, class_teacher, counselor) -> None:
    give(student, ConsentState.GIVEN, class_teacher, dated=datetime.date(2026, 9, 10))
    give(student, ConsentState.WITHDRAWN, counselor, dated=datetime.date(2026, 10, 5), method=ConsentMethod.PHONE)
    # A paper form from before the withdrawal, entered late, does not undo it.
    give(student, ConsentState.GIVEN, class_teacher, dated=datetime.date(2026, 9, 1))
    assert consent_state(student, SCREENING) == ConsentState.WITHDRAWN
    assert ConsentRecord.objects.filter(student=student).count() == 3
    assert ConsentRecord.objects.current().get(student=student).recorded_by == counselor
    assert consent_state(student, SCREENING, on=datetime.date(2026, 9, 20)) == ConsentState.GIVEN
    assert consent_state(student, ConsentPurpose.GUARDIAN_CONTACT) == ConsentState.UNKNOWN
    assert AuditEntry.objects.filter(student_id=student.pk, object_type="counseling.consentrecord").count() == 3


@pytest.mark.django_db
def test_under_14_a_named_screening_needs_consent_given(student, class_teacher) -> None:
    today = datetime.date(2026, 11, 1)
    aged(student, 13, today)
    assert not screening_permitted(student, named=True, on=today)
    assert screening_permitted(student, named=False, on=today)
    give(student, ConsentState.GIVEN, class_teacher, dated=datetime.date(2026, 9, 10))
    assert screening_permitted(student, named=True, on=today)


@pytest.mark.django_db
def test_from_14_a_named_screening_needs_no_consent(student) -> None:
    today = datetime.date(2026, 11, 1)
    aged(student, 14, today)
    assert screening_permitted(student, named=True, on=today)


@pytest.mark.django_db
@pytest.mark.parametrize("state", [ConsentState.REFUSED, ConsentState.WITHDRAWN])
def test_a_guardian_who_opted_out_keeps_the_student_out_of_every_survey(student, class_teacher, state) -> None:
    today = datetime.date(2026, 11, 1)
    aged(student, 16, today)
    give(student, state, class_teacher)
    assert not screening_permitted(student, named=True, on=today)
    assert not screening_permitted(student, named=False, on=today)
    assert list(opted_out_students().values_list("student_id", flat=True)) == [student.pk]


@pytest.mark.django_db
def test_the_age_rule_can_be_turned_off(student, settings) -> None:
    settings.CONSENT_REQUIRED_UNDER_AGE = 0
    today = datetime.date(2026, 11, 1)
    aged(student, 12, today)
    assert screening_permitted(student, named=True, on=today)


# --- pages -----------------------------------------------------------------------------------------


def class_form(school_class, states: dict, *, dated="2026-09-10", method="paper", purpose="screening") -> dict:
    data = {"purpose": purpose, "dated": dated, "method": method}
    for student in school_class.students.select_related("user"):
        state, reference = states.get(student.user, ("", ""))
        data[f"state_{student.user.pk}"] = state
        data[f"ref_{student.user.pk}"] = reference
    return data


@pytest.mark.django_db
def test_a_class_teacher_enters_the_returned_forms_of_the_class(
    client_for, class_teacher, student, school_class
) -> None:
    second = make_student("second", school_class, student_number="20250003")
    third = make_student("third", school_class, student_number="20250004")
    client = client_for(class_teacher)
    page = client.get(reverse("schoolyear:consent_class", args=[school_class.pk])).content.decode()
    assert student.name in page and second.name in page and third.name in page
    data = class_form(school_class, {student: ("given", "SC-01"), second: ("refused", "SC-02")})
    response = client.post(reverse("schoolyear:consent_class", args=[school_class.pk]), data)
    assert response.status_code == 302
    records = {r.student: r for r in ConsentRecord.objects.current()}
    assert (records[student].state, records[student].reference, records[student].recorded_by) == (
        "given",
        "SC-01",
        class_teacher,
    )
    assert records[second].state == "refused"
    assert third not in records
    page = client.get(response["Location"]).content.decode()
    assert "已为初一1班记录 2 条答复" in page or "记录 2 条答复" in page
    # The same forms submitted again add nothing.
    client.post(reverse("schoolyear:consent_class", args=[school_class.pk]), data)
    assert ConsentRecord.objects.count() == 2


@pytest.mark.django_db
def test_a_form_with_no_answer_or_a_future_date_changes_nothing(
    client_for, class_teacher, student, school_class
) -> None:
    client = client_for(class_teacher)
    url = reverse("schoolyear:consent_class", args=[school_class.pk])
    response = client.post(url, class_form(school_class, {}))
    assert response.status_code == 400
    assert "请至少为一名学生选择答复" in response.content.decode()
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(url, class_form(school_class, {student: ("given", "")}, dated=tomorrow))
    assert response.status_code == 400
    assert "日期不能晚于今天" in response.content.decode()
    response = client.post(url, {**class_form(school_class, {student: ("maybe", "")})})
    assert response.status_code == 400
    assert not ConsentRecord.objects.exists()


@pytest.mark.django_db
def test_a_class_teacher_reaches_only_their_own_class(
    client_for, other_teacher, student, school_class, other_class
) -> None:
    client = client_for(other_teacher)
    assert client.get(reverse("schoolyear:consent_class", args=[school_class.pk])).status_code == 404
    assert (
        client.post(
            reverse("schoolyear:consent_class", args=[school_class.pk]),
            class_form(school_class, {student: ("given", "")}),
        ).status_code
        == 404
    )
    assert client.get(reverse("schoolyear:consent_student", args=[student.pk])).status_code == 404
    page = client.get(reverse("schoolyear:consent_classes")).content.decode()
    assert str(other_class) in page and str(school_class) not in page
    assert not ConsentRecord.objects.exists()


@pytest.mark.django_db
def test_counselors_and_administrators_record_for_any_class(client_for, counselor, administrator, student) -> None:
    for user, state in ((counselor, "given"), (administrator, "withdrawn")):
        response = client_for(user).post(
            reverse("schoolyear:consent_student", args=[student.pk]),
            {
                "purpose": "guardian_contact",
                "state": state,
                "dated": "2026-10-01",
                "method": "phone",
                "reference": "父亲",
            },
        )
        assert response.status_code == 302
    assert consent_state(student, ConsentPurpose.GUARDIAN_CONTACT) == ConsentState.WITHDRAWN
    page = client_for(counselor).get(reverse("schoolyear:consent_student", args=[student.pk])).content.decode()
    assert "已撤回" in page and "父亲" in page and "周干事" in page


@pytest.mark.django_db
def test_students_and_leaders_cannot_record_consent(client_for, student, leader) -> None:
    for user in (student, leader):
        assert client_for(user).get(reverse("schoolyear:consent_classes")).status_code == 403


@pytest.mark.django_db
def test_the_class_list_counts_answers_and_opt_outs_apart(
    client_for, counselor, class_teacher, student, school_class
) -> None:
    refusing = make_student("refusing", school_class, student_number="20250005")
    make_student("silent", school_class, student_number="20250006")
    give(student, ConsentState.GIVEN, class_teacher)
    give(refusing, ConsentState.REFUSED, class_teacher)
    page = client_for(counselor).get(reverse("schoolyear:consent_classes")).content.decode()
    assert "1 人同意" in page and "1 人拒绝或撤回" in page and "1 人未答复" in page


@pytest.mark.django_db
def test_the_class_list_costs_the_same_with_one_class_or_many(client_for, counselor, grade, student) -> None:
    client = client_for(counselor)
    url = reverse("schoolyear:consent_classes")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(3, 13):
        school_class = SchoolClassFactory(grade=grade, number=number)
        pupil = make_student(f"pupil{number}", school_class, student_number=f"2099{number:04d}")
        give(pupil, ConsentState.GIVEN, counselor)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(one) == len(many)


@pytest.mark.django_db
def test_the_class_page_costs_the_same_with_one_student_or_many(
    client_for, class_teacher, student, school_class
) -> None:
    client = client_for(class_teacher)
    url = reverse("schoolyear:consent_class", args=[school_class.pk])
    give(student, ConsentState.GIVEN, class_teacher)
    client.get(url)  # warm: the signed-in user and unread count are cached from the second request on
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for seat in range(10):
        pupil = make_student(f"seat{seat}", school_class, student_number=f"2098{seat:04d}")
        give(pupil, ConsentState.REFUSED, class_teacher)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(one) == len(many)


@pytest.mark.django_db
def test_graduates_are_out_of_the_consent_pages(client_for, counselor, student) -> None:
    profile = student.student_profile
    profile.is_archived = True
    profile.save(update_fields=["is_archived"])
    client = client_for(counselor)
    assert client.get(reverse("schoolyear:consent_student", args=[student.pk])).status_code == 404
    page = client.get(reverse("schoolyear:consent_class", args=[profile.school_class.pk])).content.decode()
    assert student.name not in page
