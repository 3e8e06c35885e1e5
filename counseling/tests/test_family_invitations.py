"""Guardian invitations: a one-time link or a printed slip, accepted once, by a phone of the family's own."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from counseling.enums import GuardianRelation, InvitationChannel, Role
from counseling.models import AuditEntry, GuardianInvitation, GuardianLink, OutboxMessage, User
from counseling.services import invitations
from counseling.services.family import children_of
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Qiushui-Lake-2026"
NEW_PHONE = "13912345678"


def invite(client: Client, student, phone: str = NEW_PHONE, name: str = "王爸爸", relation: str = "father"):
    school_class = student.student_profile.school_class
    return client.post(
        reverse("family_class", args=[school_class.pk]),
        {"student": student.pk, "phone": phone, "name": name, "relation": relation},
    )


def link_from(response) -> str:
    return re.search(r'value="(http[^"]+)" aria-label="[^"]*" data-testid="link"', response.content.decode()).group(1)


def slip_codes(response) -> list[tuple[str, str]]:
    return re.findall(
        r'data-testid="name">([^<]*)</dd>.*?data-testid="code">([^<]*)</dd>', response.content.decode(), re.S
    )


def test_class_teacher_invites_by_link_and_the_guardian_joins(client_for, class_teacher, student) -> None:
    response = invite(client_for(class_teacher), student)
    assert response.status_code == 200
    url = link_from(response)
    token = url.rstrip("/").rsplit("/", 1)[1]
    invitation = GuardianInvitation.objects.get(student=student, channel=InvitationChannel.LINK)
    # Only a hash is kept, and the issue is audited.
    assert token not in invitation.secret_hash and invitation.secret_hash == invitations.secret_hash(token)
    assert AuditEntry.objects.filter(object_type="counseling.guardianinvitation", student_id=student.pk).exists()

    guardian_client = Client()
    page = guardian_client.get(url)
    assert page.status_code == 200 and NEW_PHONE in page.content.decode()
    response = guardian_client.post(
        url, {"name": "王爸爸", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    guardian = User.objects.get(username=NEW_PHONE)
    assert guardian.role == Role.GUARDIAN and guardian.check_password(NEW_PASSWORD)
    assert list(children_of(guardian)) == [student]
    assert GuardianLink.objects.get(guardian=guardian).relation == GuardianRelation.FATHER
    # Signed in, on the home page with the child by name and class.
    assert 'data-testid="my-children"' in response.content.decode()
    assert str(student.student_profile.school_class) in response.content.decode()
    # Used once: the same link again is refused.
    assert Client().get(url).status_code == 404
    # And the guardian signs in with the phone as the user name.
    assert Client().post(reverse("login"), {"username": NEW_PHONE, "password": NEW_PASSWORD}).status_code == 302


def test_slips_for_a_class_and_joining_with_a_code(client_for, administrator, student, school_class) -> None:
    response = client_for(administrator).post(reverse("family_slips", args=[school_class.pk]))
    assert response.status_code == 200
    [(name, code)] = slip_codes(response)
    assert name == student.get_full_name()
    assert reverse("family_join") in response.content.decode()
    assert "网站会向该手机发送一条带链接的短信" in response.content.decode()

    # Step 1: the code and a phone only ask for a link, texted to that phone.
    guardian_client = Client()
    response = guardian_client.post(
        reverse("family_join"), {"code": code, "phone": "139 1234 5678", "name": "王奶奶", "relation": "grandparent"}
    )
    assert response.status_code == 200
    assert "139****5678" in response.content.decode()
    assert not User.objects.filter(username=NEW_PHONE).exists()
    path = OutboxMessage.objects.get(phone=NEW_PHONE).url
    # Step 2: the link, opened on that phone, makes the account and links the child.
    response = Client().post(path, {"name": "王奶奶", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    guardian = User.objects.get(username=NEW_PHONE)
    assert guardian.name == "王奶奶"
    assert list(children_of(guardian)) == [student]
    assert GuardianLink.objects.get(guardian=guardian).relation == GuardianRelation.GRANDPARENT
    # The code is spent.
    again = Client().post(
        reverse("family_join"), {"code": code, "phone": "13700000000", "name": "x", "relation": "other"}
    )
    assert again.status_code == 400
    assert "验证码错误、已使用或已过期" in again.content.decode()
    assert not OutboxMessage.objects.filter(phone="13700000000").exists()


def test_reissuing_slips_invalidates_the_earlier_codes(administrator, student, school_class) -> None:
    [first] = invitations.issue_slips(school_class=school_class, by=administrator)
    [second] = invitations.issue_slips(school_class=school_class, by=administrator)
    assert invitations.open_invitation(secret=first.secret, channel=InvitationChannel.SLIP) is None
    assert invitations.open_invitation(secret=second.secret, channel=InvitationChannel.SLIP) is not None


def test_an_expired_link_is_refused(class_teacher, student) -> None:
    issued = invitations.invite_guardian(
        student=student, phone=NEW_PHONE, name="王爸爸", relation="father", by=class_teacher
    )
    GuardianInvitation.objects.filter(pk=issued.invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = Client().get(reverse("family_join_link", args=[issued.secret]))
    assert response.status_code == 404
    assert "这份邀请已失效" in response.content.decode()


def test_a_wrong_code_changes_nothing_and_repeated_failures_lock_the_address(settings, student) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    data = {"code": "wrongcode22", "phone": NEW_PHONE, "name": "王", "relation": "other"}
    for _ in range(3):
        assert client.post(reverse("family_join"), data).status_code == 400
    locked = client.post(reverse("family_join"), data)
    assert locked.status_code == 429
    assert not User.objects.filter(username=NEW_PHONE).exists()
    assert not OutboxMessage.objects.filter(phone=NEW_PHONE).exists()


def test_an_existing_guardian_gets_a_second_child(client_for, class_teacher, guardian, student, school_class) -> None:
    sibling = make_student("sibling", school_class, student_number="20250009")
    response = invite(client_for(class_teacher), sibling, phone=guardian.username, name="张妈妈", relation="mother")
    assert response.status_code == 200
    # The guardian is told (in the app and by SMS): quietly, no child's name.
    message = OutboxMessage.objects.get(recipient=guardian)
    assert message.send_sms and sibling.get_full_name() not in message.kind
    # The link itself does not make a second account or set a password: it asks to sign in.
    url = link_from(response)
    page = Client().get(url)
    assert 'data-testid="exists"' in page.content.decode()
    # Signed in, the guardian accepts from the home page.
    client = client_for(guardian)
    home = client.get(reverse("home")).content.decode()
    invitation = GuardianInvitation.objects.get(student=sibling)
    assert f'data-testid="pending-{invitation.pk}"' in home
    assert client.post(reverse("family_accept", args=[invitation.pk])).status_code == 302
    assert set(children_of(guardian)) == {student, sibling}
    assert User.objects.filter(username=guardian.username).count() == 1


def test_a_signed_in_guardian_adds_a_child_with_a_slip_code(
    client_for, administrator, guardian, other_student, other_class
) -> None:
    [item] = invitations.issue_slips(school_class=other_class, by=administrator)
    response = client_for(guardian).post(reverse("family_join"), {"code": item.secret, "relation": "mother"})
    assert response.status_code == 302
    assert item.student in children_of(guardian)


def test_a_staff_or_student_phone_is_refused(client_for, class_teacher, counselor, student) -> None:
    counselor.phone = "13611112222"
    counselor.save(update_fields=["phone"])
    response = invite(client_for(class_teacher), student, phone="13611112222")
    assert response.status_code == 400
    assert "属于学校的账户" in response.content.decode()
    assert not GuardianInvitation.objects.exists()
    # A slip's code with a student's sign-in name as the phone: the same answer as for any phone,
    # but nothing is texted and no invitation is made for it.
    make_student("13633334444", student.student_profile.school_class, student_number="20250010")
    [*items] = invitations.issue_slips(school_class=student.student_profile.school_class, by=class_teacher)
    data = {"code": items[0].secret, "phone": "13633334444", "name": "x", "relation": "other"}
    response = Client().post(reverse("family_join"), data)
    assert response.status_code == 200 and "136****4444" in response.content.decode()
    assert "属于学校的账户" not in response.content.decode()
    assert not OutboxMessage.objects.filter(phone="13633334444").exists()
    assert not GuardianInvitation.objects.filter(channel=InvitationChannel.LINK).exists()
    # Nothing was used up.
    assert invitations.open_invitation(secret=items[0].secret, channel=InvitationChannel.SLIP) is not None


def test_bad_phone_numbers_are_refused_with_a_message(client_for, class_teacher, student) -> None:
    for phone in ("12345", "23800000000", "1380000000x", "138000000011"):
        response = invite(client_for(class_teacher), student, phone=phone)
        assert response.status_code == 400
        assert "以 1 开头的 11 位数字" in response.content.decode()
    assert not GuardianInvitation.objects.exists()


def test_a_weak_password_is_refused(student, class_teacher) -> None:
    issued = invitations.invite_guardian(
        student=student, phone=NEW_PHONE, name="王", relation="father", by=class_teacher
    )
    url = reverse("family_join_link", args=[issued.secret])
    response = Client().post(url, {"name": "王", "password1": "12345678", "password2": "12345678"})
    assert response.status_code == 400
    assert not User.objects.filter(username=NEW_PHONE).exists()


def test_a_class_teacher_invites_for_their_own_class_only(
    client_for, class_teacher, school_class, other_student
) -> None:
    other_class = other_student.student_profile.school_class
    assert client_for(class_teacher).get(reverse("family_class", args=[other_class.pk])).status_code == 404
    assert invite(client_for(class_teacher), other_student).status_code == 404
    # Nor can another class's pupil be slipped into the form of one's own class.
    own = reverse("family_class", args=[school_class.pk])
    data = {"student": other_student.pk, "phone": NEW_PHONE, "name": "x", "relation": "other"}
    assert client_for(class_teacher).post(own, data).status_code == 400
    assert not GuardianInvitation.objects.exists()


def test_the_class_page_shows_linked_guardians_and_revokes_a_link(client_for, class_teacher, guardian, student) -> None:
    client = client_for(class_teacher)
    school_class = student.student_profile.school_class
    page = client.get(reverse("family_class", args=[school_class.pk])).content.decode()
    link = GuardianLink.objects.get(guardian=guardian, student=student)
    assert f'data-testid="link-{link.pk}"' in page and guardian.get_full_name() in page
    assert client.post(reverse("family_link_revoke", args=[link.pk])).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert list(children_of(guardian)) == []
    assert AuditEntry.objects.filter(object_type="counseling.guardianlink", detail="guardian link revoked").exists()


def test_the_class_page_query_count_does_not_grow_with_the_class(
    client_for, class_teacher, school_class, student, django_assert_num_queries
) -> None:
    client = client_for(class_teacher)
    url = reverse("family_class", args=[school_class.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(3):
        pupil = make_student(f"more{number}", school_class, student_number=f"2025010{number}")
        invitations.invite_guardian(
            student=pupil, phone=f"1390000000{number}", name="家长", relation="other", by=class_teacher
        )
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


def test_the_link_can_go_by_text_and_the_outbox_forgets_it_once_sent(client_for, class_teacher, student, settings):
    from counseling.models import Notification
    from counseling.services import sms
    from counseling.services.notify import deliver_due

    settings.SITE_URL = "https://xinli.school.example"
    school_class = student.student_profile.school_class
    response = client_for(class_teacher).post(
        reverse("family_class", args=[school_class.pk]),
        {"student": student.pk, "phone": NEW_PHONE, "name": "王爸爸", "relation": "father", "send_text": "on"},
    )
    assert 'data-testid="texted"' in response.content.decode()
    path = "/" + link_from(response).split("/", 3)[3]
    waiting = OutboxMessage.objects.get(phone=NEW_PHONE)
    assert waiting.recipient is None and waiting.url == path

    deliver_due()
    [sent] = sms.outbox
    assert sent.phone == NEW_PHONE
    assert sent.text.link == f"https://xinli.school.example{path}"
    # The quiet rule: the pupil's name is nowhere in the text.
    assert student.get_full_name() not in sent.text.render()
    waiting.refresh_from_db()
    assert waiting.sms_sent_at is not None and waiting.url == ""  # the secret is not kept once sent
    assert not Notification.objects.exists()
    deliver_due()
    assert len(sms.outbox) == 1  # never twice

    # The texted link is the invitation: it opens the join page.
    assert Client().get(path).status_code == 200


def test_a_new_link_withdraws_the_unsent_text_of_the_old_one(class_teacher, student):
    first = invitations.invite_guardian(
        student=student, phone=NEW_PHONE, name="王爸爸", relation="father", by=class_teacher, send_text=True
    )
    assert first.texted
    second = invitations.invite_guardian(
        student=student, phone=NEW_PHONE, name="王爸爸", relation="father", by=class_teacher, send_text=True
    )
    waiting = OutboxMessage.objects.get(phone=NEW_PHONE)
    assert waiting.dedupe_key == invitations.text_key(second.invitation.pk)
    assert second.secret in waiting.url and first.secret not in waiting.url


def test_a_teacher_on_the_english_pages_can_text_the_link_too(class_teacher, student):
    from django.utils import translation

    with translation.override("en"):
        issued = invitations.invite_guardian(
            student=student, phone=NEW_PHONE, name="王爸爸", relation="father", by=class_teacher, send_text=True
        )
    assert issued.texted
    assert OutboxMessage.objects.get(phone=NEW_PHONE).kind == "一份家长账号邀请"
