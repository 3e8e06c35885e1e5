"""Opening, reading, changing and listing cases."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from counseling.cases.enums import CaseSource, CaseStatus, RiskLevel
from counseling.cases.models import Case, Escalation, RiskSignal
from counseling.cases.services import open_case
from counseling.cases.tests.factories import CaseFactory
from counseling.models import AuditEntry, ConcernCategory, OutboxMessage
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db


def test_counselor_opens_a_case_for_a_student(client_for, counselor, student) -> None:
    study = ConcernCategory.objects.get(code="study")
    response = client_for(counselor).post(
        f"{reverse('cases:case_open')}?student={student.pk}",
        {"source": CaseSource.SELF_BOOKED, "categories": [study.pk], "risk_level": RiskLevel.LOW},
    )
    case = Case.objects.get(student=student)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert (case.counselor, case.source, case.risk_level, case.status) == (counselor, "self_booked", "low", "open")
    assert list(case.categories.all()) == [study]
    entry = AuditEntry.objects.for_object(case).get()
    assert (entry.action, entry.actor, entry.student_id) == ("create", counselor, student.pk)


def test_search_shows_that_a_colleague_holds_an_open_case_but_nothing_of_it(
    client_for, case, other_counselor, student
) -> None:
    case.risk_level = RiskLevel.HIGH
    case.save()
    page = client_for(other_counselor).get(reverse("cases:case_open"), {"q": student.student_profile.student_number})
    text = page.content.decode()
    assert student.name in text
    assert case.counselor.name in text
    assert "C0000" not in text  # no case number, so no link to it
    assert "高" not in text.split("student-results")[1]  # not its risk


def test_a_colleague_cannot_open_a_second_case_and_is_told_who_holds_it(
    client_for, case, other_counselor, student
) -> None:
    url = f"{reverse('cases:case_open')}?student={student.pk}"
    page = client_for(other_counselor).get(url)
    assert 'data-testid="colleague-holds"' in page.content.decode()
    assert "张老师" in page.content.decode()
    client_for(other_counselor).post(url, {"source": CaseSource.MAILBOX, "risk_level": RiskLevel.NONE})
    assert Case.objects.filter(student=student).count() == 1


def test_open_case_returns_the_existing_open_case(case, other_counselor, student) -> None:
    again = open_case(student=student, counselor=other_counselor, source=CaseSource.CRISIS, opened_by=other_counselor)
    assert again == case
    assert Case.objects.count() == 1


def test_the_database_refuses_two_open_cases_for_one_student(case, other_counselor, student) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(student=student, counselor=other_counselor, source=CaseSource.MAILBOX)


def test_a_closed_case_does_not_block_a_new_one(counselor, student) -> None:
    CaseFactory(student=student, counselor=counselor, status=CaseStatus.CLOSED)
    new = open_case(student=student, counselor=counselor, source=CaseSource.MAILBOX, opened_by=counselor)
    assert new.status == CaseStatus.OPEN
    assert Case.objects.filter(student=student).count() == 2


def test_opening_a_case_at_high_risk_escalates_at_once(
    counselor, student, head, leader, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(
            student=student,
            counselor=counselor,
            source=CaseSource.CRISIS,
            opened_by=counselor,
            risk_level=RiskLevel.IMMINENT,
        )
    escalation = Escalation.objects.get(case=case)
    assert escalation.risk_level == RiskLevel.IMMINENT
    assert sorted(m.to[0] for m in mail.outbox) == [head.email, leader.email]


def test_case_page_shows_facts_and_is_audited(client_for, case, counselor) -> None:
    page = client_for(counselor).get(reverse("cases:detail", args=[case.pk]))
    text = page.content.decode()
    assert case.student.name in text
    assert 'data-testid="case-counselor">张老师<' in text
    entry = AuditEntry.objects.for_object(case).get()
    assert (entry.action, entry.actor, entry.ip_address) == ("view", counselor, "127.0.0.1")


def test_another_counselor_gets_404_and_no_audit_entry_of_a_read(client_for, case, other_counselor) -> None:
    assert client_for(other_counselor).get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert not AuditEntry.objects.exists()


def test_raising_the_risk_to_high_notifies_head_and_leaders(
    client_for, case, counselor, head, leader, second_leader, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(counselor).post(
            reverse("cases:case_edit", args=[case.pk]), {"risk_level": RiskLevel.HIGH, "status": CaseStatus.OPEN}
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.risk_level == RiskLevel.HIGH
    escalation = Escalation.objects.get()
    assert (escalation.student, escalation.case, escalation.raised_by) == (case.student, case, counselor)
    crisis_url = reverse("cases:crisis_detail", args=[escalation.pk])
    escalation_notices = OutboxMessage.objects.filter(dedupe_key__startswith=f"cases:escalation:{escalation.pk}:")
    assert sorted(m.recipient.email for m in escalation_notices) == sorted(
        [head.email, leader.email, second_leader.email]
    )
    assert all(m.sent_at for m in escalation_notices)
    assert {head.email, leader.email, second_leader.email} <= {m.to[0] for m in mail.outbox}
    assert all(case.student.get_full_name() not in m.subject + m.body for m in mail.outbox)
    # The raise is also a "case risk" signal: a quiet notice (no name) to the counselor and the head.
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.severity, signal.escalation) == ("case_risk", "urgent", escalation)
    signal_url = reverse("cases:signal_detail", args=[signal.pk])
    assert set(head.notifications.values_list("url", flat=True)) == {crisis_url, signal_url}
    assert set(leader.notifications.values_list("url", flat=True)) == {crisis_url}
    # The counselor raised it: no notice of their own signal.
    assert set(counselor.notifications.values_list("url", flat=True)) == set()


def test_lowering_the_risk_or_staying_high_does_not_escalate_again(client_for, case, counselor) -> None:
    case.risk_level = RiskLevel.HIGH
    case.save()
    client_for(counselor).post(
        reverse("cases:case_edit", args=[case.pk]), {"risk_level": RiskLevel.HIGH, "status": "follow_up"}
    )
    client_for(counselor).post(
        reverse("cases:case_edit", args=[case.pk]), {"risk_level": RiskLevel.LOW, "status": "follow_up"}
    )
    assert not Escalation.objects.exists()


def test_closing_stamps_the_time_and_reopening_is_refused_when_another_case_is_open(
    client_for, case, counselor, other_counselor
) -> None:
    client_for(counselor).post(reverse("cases:case_edit", args=[case.pk]), {"risk_level": "low", "status": "closed"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
    CaseFactory(student=case.student, counselor=other_counselor)
    response = client_for(counselor).post(
        reverse("cases:case_edit", args=[case.pk]), {"risk_level": "low", "status": "open"}
    )
    assert response.status_code == 200
    assert "另一个未结案的个案" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"risk_level": "catastrophic", "status": "open"},
        {"risk_level": "low", "status": "x" * 5000},
        {"categories": ["abc"], "risk_level": "low", "status": "open"},
    ],
)
def test_garbage_on_the_case_form_changes_nothing(client_for, case, counselor, data) -> None:
    response = client_for(counselor).post(reverse("cases:case_edit", args=[case.pk]), data)
    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.risk_level, case.status) == ("low", "open")


def test_choosing_a_risk_category_prompts_the_crisis_path(client_for, case, counselor) -> None:
    self_harm = ConcernCategory.objects.get(code="self_harm")
    response = client_for(counselor).post(
        reverse("cases:case_edit", args=[case.pk]),
        {"categories": [self_harm.pk], "risk_level": "low", "status": "open"},
        follow=True,
    )
    assert "提示风险" in response.content.decode()


def test_case_list_shows_own_cases_only_and_the_head_sees_all(
    client_for, case, counselor, other_counselor, head, other_student
) -> None:
    other = CaseFactory(student=other_student, counselor=other_counselor)
    mine = client_for(counselor).get(reverse("cases:case_list")).content.decode()
    assert case.number in mine and other.number not in mine
    everything = client_for(head).get(reverse("cases:case_list")).content.decode()
    assert case.number in everything and other.number in everything
    filtered = client_for(head).get(reverse("cases:case_list"), {"counselor": other_counselor.pk}).content.decode()
    assert case.number not in filtered and other.number in filtered


def test_case_list_search_by_student_number_and_status(client_for, case, counselor, school_class) -> None:
    closed = CaseFactory(
        student=make_student("s3", school_class, student_number="20259999"), counselor=counselor, status="closed"
    )
    page = client_for(counselor).get(reverse("cases:case_list"), {"q": "20259999", "status": "all"}).content.decode()
    assert closed.number in page and case.number not in page
    page = client_for(counselor).get(reverse("cases:case_list")).content.decode()
    assert closed.number not in page  # closed cases are hidden by default


def test_case_list_query_count_does_not_grow_with_rows(
    client_for, counselor, school_class, django_assert_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(counselor)
    CaseFactory(student=make_student("first", school_class, student_number="30000000"), counselor=counselor)
    client.get(reverse("cases:case_list"))  # warm: the signed-in user and unread count are cached
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("cases:case_list")).status_code == 200
    for number in range(1, 100):
        CaseFactory(
            student=make_student(f"s{number}", school_class, student_number=f"3{number:07d}"), counselor=counselor
        )
    client.get(reverse("cases:case_list"))
    with CaptureQueriesContext(connection) as hundred:
        assert client.get(reverse("cases:case_list")).status_code == 200
    assert len(hundred) == len(one)


def test_export_lists_cases_without_content_and_audits_each(client_for, case, counselor) -> None:
    case.student.name = "=HYPERLINK(1)"
    case.student.save()
    response = client_for(counselor).get(reverse("cases:case_export"))
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(1)" in body
    assert case.number in body
    assert AuditEntry.objects.for_object(case).get().action == "export"


def test_print_is_audited_for_each_record_printed(client_for, case, counselor, note) -> None:
    from counseling.cases.tests.factories import IntakeFactory, ReferralFactory

    intake = IntakeFactory(case=case)
    referral = ReferralFactory(case=case)
    page = client_for(counselor).get(reverse("cases:case_print", args=[case.pk]))
    assert note.content in page.content.decode()
    for obj in (case, intake, note, referral):
        assert AuditEntry.objects.for_object(obj).get().action == "print"
