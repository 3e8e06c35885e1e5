"""A counselor writes to the family from a case; the guardian reads it among their notices, nothing more."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from counseling.cases.models import FamilyMessage
from counseling.cases.tests.factories import CaseFactory
from counseling.models import AuditEntry, GuardianLink, Notification, OutboxMessage
from counseling.services.notify import deliver_due

pytestmark = pytest.mark.django_db

TEXT = "今天孩子在学校情绪低落,我们已安排老师陪伴。请今晚多陪伴孩子,明天上午方便时与心理老师通个电话。"


@pytest.fixture
def case(student, counselor):
    return CaseFactory(student=student, counselor=counselor)


def _send(client, case, guardian, text=TEXT):
    return client.post(f"/cases/{case.pk}/family/", {"guardian": guardian.pk, "text": text})


def test_the_counselor_writes_and_the_guardian_reads_it_in_the_notices(case, counselor, guardian, client_for):
    counselor_client = client_for(counselor)
    page = counselor_client.get(f"/cases/{case.pk}/family/")
    assert guardian.name in page.content.decode()

    response = _send(counselor_client, case, guardian)
    assert response.status_code == 302
    message = FamilyMessage.objects.get()
    assert (message.guardian, message.sent_by, message.text) == (guardian, counselor, TEXT)
    outbox = OutboxMessage.objects.get(recipient=guardian)
    assert outbox.send_sms is True
    # Outside the app only the quiet phrase: no name, no text.
    assert outbox.kind == "一条给您的消息"
    assert TEXT not in outbox.kind and case.student.name not in outbox.kind

    deliver_due()
    guardian_client = client_for(guardian)
    notices = guardian_client.get("/notifications/").content.decode()
    assert "心理辅导室的来信" in notices
    # The notice links to the message; the text itself is in no notice, no e-mail.
    assert TEXT not in notices
    notice = Notification.objects.get(user=guardian)
    assert notice.url == f"/cases/family-messages/{message.pk}/" and TEXT not in notice.body
    assert all(TEXT not in sent.body and case.student.name not in sent.body for sent in mail.outbox)
    read = guardian_client.get(f"/cases/family-messages/{message.pk}/")
    assert read.status_code == 200 and TEXT in read.content.decode()
    assert AuditEntry.objects.filter(object_type="cases.familymessage", action="view", actor=guardian).count() == 1

    listed = counselor_client.get(f"/cases/{case.pk}/family/").content.decode()
    assert TEXT in listed
    assert AuditEntry.objects.filter(object_type="cases.familymessage", action="create").count() == 1


def test_only_the_guardian_written_to_reads_it_and_only_while_linked(
    case, counselor, guardian, other_guardian, client_for
):
    _send(client_for(counselor), case, guardian)
    message = FamilyMessage.objects.get()
    assert client_for(other_guardian).get(f"/cases/family-messages/{message.pk}/").status_code == 404
    assert client_for(counselor).get(f"/cases/family-messages/{message.pk}/").status_code == 403
    GuardianLink.objects.filter(guardian=guardian).update(revoked_at=timezone.now())
    assert client_for(guardian).get(f"/cases/family-messages/{message.pk}/").status_code == 404


def test_the_other_childs_guardian_cannot_be_chosen(case, counselor, other_guardian, client_for):
    response = _send(client_for(counselor), case, other_guardian)
    assert response.status_code == 400
    assert not FamilyMessage.objects.exists()
    assert not OutboxMessage.objects.filter(recipient=other_guardian).exists()


def test_empty_or_too_long_text_changes_nothing(case, counselor, guardian, client_for):
    client = client_for(counselor)
    assert _send(client, case, guardian, text="   ").status_code == 400
    assert _send(client, case, guardian, text="长" * 1001).status_code == 400
    assert not FamilyMessage.objects.exists()


def test_the_text_is_encrypted_at_rest(case, counselor, guardian, client_for):
    _send(client_for(counselor), case, guardian)
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_familymessage")
        stored = cursor.fetchone()[0]
    assert TEXT not in stored


def test_nobody_else_reaches_the_page(case, other_counselor, guardian, student, leader, client_for):
    assert client_for(other_counselor).get(f"/cases/{case.pk}/family/").status_code == 404
    for outsider in (guardian, student, leader):
        assert client_for(outsider).get(f"/cases/{case.pk}/family/").status_code == 403


def test_a_student_without_a_guardian_account_gets_a_way_forward(other_student, counselor, client_for):
    case = CaseFactory(student=other_student, counselor=counselor)
    # other_student's guardian account exists only when that fixture is asked for; here it is not.
    page = client_for(counselor).get(f"/cases/{case.pk}/family/").content.decode()
    assert 'data-testid="no-guardian-account"' in page


def test_a_teachers_case_has_no_family_to_write_to(class_teacher, counselor, guardian, client_for):
    case = CaseFactory(student=class_teacher, counselor=counselor)
    client = client_for(counselor)
    assert f"/cases/{case.pk}/family/" not in client.get(f"/cases/{case.pk}/").content.decode()
    page = client.get(f"/cases/{case.pk}/family/").content.decode()
    assert 'data-testid="no-guardian-account"' in page
    assert _send(client, case, guardian).status_code == 400
    assert not FamilyMessage.objects.exists()
