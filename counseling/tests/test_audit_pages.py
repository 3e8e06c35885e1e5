"""Every page that shows confidential text writes an audit entry; a list page writes one naming its students."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appointments.tests.factories import MailboxItemFactory
from archives.tests.factories import ClassLogEntryFactory, FocusEntryFactory
from counseling.cases.tests.factories import CaseFactory, ComplaintFactory, EscalationFactory, GoalFactory
from counseling.models import AuditEntry
from counseling.services.audit import find_breaks

pytestmark = pytest.mark.django_db


def _read(client, url: str, text: str) -> AuditEntry:
    """GET the page, check it shows ``text``, and return the one entry it wrote."""
    before = AuditEntry.objects.count()
    response = client.get(url)
    assert response.status_code == 200
    assert text in response.content.decode()
    assert AuditEntry.objects.count() == before + 1
    return AuditEntry.objects.latest("id")


def test_a_focus_entrys_edit_page_is_audited(client_for, counselor, student) -> None:
    entry = FocusEntryFactory(student=student, started_by=counselor)
    audit = _read(client_for(counselor), reverse("archives:focus_edit", args=[entry.pk]), "家庭变故后情绪低落")
    assert (audit.actor, audit.action, audit.object_type, audit.object_id) == (
        counselor,
        "view",
        "archives.focusentry",
        str(entry.pk),
    )
    assert (audit.student_id, audit.detail) == (student.pk, "edit form")


def test_a_complaint_is_audited(client_for, head, student) -> None:
    complaint = ComplaintFactory(filed_by=student)
    audit = _read(client_for(head), reverse("cases:complaint_handle", args=[complaint.pk]), "预约后等了很久没人接待")
    assert (audit.actor, audit.action, audit.object_type, audit.object_id) == (
        head,
        "view",
        "cases.complaint",
        str(complaint.pk),
    )


def test_a_crisis_actions_page_is_audited(client_for, counselor, student) -> None:
    escalation = EscalationFactory(case=CaseFactory(student=student, counselor=counselor))
    audit = _read(client_for(counselor), reverse("cases:crisis_actions", args=[escalation.pk]), student.get_full_name())
    assert (audit.object_type, audit.object_id, audit.student_id, audit.detail) == (
        "cases.escalation",
        str(escalation.pk),
        student.pk,
        "actions form",
    )


def test_a_goals_edit_page_is_audited(client_for, counselor, student) -> None:
    case = CaseFactory(student=student, counselor=counselor)
    goal = GoalFactory(case=case)
    audit = _read(client_for(counselor), reverse("cases:goal_edit", args=[case.pk, goal.pk]), "每周至少三天按时入睡")
    assert (audit.object_type, audit.object_id, audit.student_id, audit.detail) == (
        "cases.goal",
        str(goal.pk),
        student.pk,
        "edit form",
    )


def test_the_class_teachers_class_log_is_audited(client_for, counselor, class_teacher, student, school_class) -> None:
    FocusEntryFactory(student=student, started_by=counselor)
    ClassLogEntryFactory(student=student, school_class=school_class, teacher=class_teacher)
    audit = _read(client_for(class_teacher), reverse("archives:class_focus"), "课间谈心，情绪比上周好")
    assert (audit.actor, audit.object_type, audit.object_id, audit.detail) == (
        class_teacher,
        "archives.classlogentry",
        "list",
        "class log",
    )
    assert audit.student_ids == [student.pk]


@pytest.mark.parametrize(
    ("who", "url_name", "object_type", "make"),
    [
        ("counselor", "cases:case_list", "cases.case", lambda s, cast: CaseFactory(student=s, counselor=cast["counselor"])),
        (
            "leader",
            "cases:crisis_list",
            "cases.escalation",
            lambda s, cast: EscalationFactory(case=CaseFactory(student=s, counselor=cast["counselor"])),
        ),
        (
            "counselor",
            "archives:focus_list",
            "archives.focusentry",
            lambda s, cast: FocusEntryFactory(student=s, started_by=cast["counselor"]),
        ),
        ("counselor", "archives:archive_list", "counseling.user", lambda s, cast: None),
        ("counselor", "appointments:mailbox", "appointments.mailboxitem", lambda s, cast: MailboxItemFactory(sender=s)),
    ],
)
def test_a_list_page_writes_one_entry_naming_the_students_listed(
    request, client_for, student, other_student, who, url_name, object_type, make
) -> None:
    cast = {name: request.getfixturevalue(name) for name in ("counselor", "leader")}
    for listed in (student, other_student):
        make(listed, cast)
    audit = _read(client_for(cast[who]), reverse(url_name), student.get_full_name())
    assert (audit.action, audit.object_type, audit.object_id, audit.student_id) == ("view", object_type, "list", None)
    assert audit.student_ids == sorted([student.pk, other_student.pk])
    # The list is sealed with the rest of the entry.
    assert list(find_breaks()) == []
