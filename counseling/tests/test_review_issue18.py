"""Security review of issue 18 (families and teachers): each test is one finding, as a user meets it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from counseling.enums import InvitationChannel
from counseling.models import GuardianInvitation, GuardianLink, OutboxMessage, User
from counseling.services import invitations
from counseling.services.family import children_of
from counseling.services.notify import deliver_due
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db

PASSWORD = "Qiushui-Lake-2026"
SECRET_TEXT = "孩子今天在学校提到想伤害自己，我们已安排老师陪伴，请今晚留意孩子的情绪。"


def _raw_column(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 - fixed names in a test
        return [row[0] or "" for row in cursor.fetchall()]


def test_a_family_message_is_not_copied_in_clear_into_the_outbox_or_the_notifications(
    student, counselor, guardian, client_for
) -> None:
    """A database owner (or a backup) reads the case's message to the family in clear: the case keeps
    it encrypted (cases_familymessage.text), but write_to_family copies the text into the outbox's
    and then the notification's ``body``, plain columns kept for as long as the notification lives."""
    from counseling.cases.tests.factories import CaseFactory

    case = CaseFactory(student=student, counselor=counselor)
    response = client_for(counselor).post(f"/cases/{case.pk}/family/", {"guardian": guardian.pk, "text": SECRET_TEXT})
    assert response.status_code == 302
    deliver_due()
    assert all(SECRET_TEXT not in body for body in _raw_column("counseling_outboxmessage", "body"))
    assert all(SECRET_TEXT not in body for body in _raw_column("counseling_notification", "body"))


def test_revoking_a_guardians_link_withdraws_the_open_invitations_for_that_child(
    client_for, class_teacher, student, school_class
) -> None:
    """The school revokes a guardian (a court order, a separated parent): the child's open printed slip,
    still in the family's home, lets the same person link again at once, without the school knowing."""
    [slip] = invitations.issue_slips(school_class=school_class, by=class_teacher)
    father = invitations.invite_guardian(
        student=student, phone="13912345678", name="父亲", relation="father", by=class_teacher
    )
    client = Client()
    client.post(
        reverse("family_join_link", args=[father.secret]),
        {"name": "父亲", "password1": PASSWORD, "password2": PASSWORD},
    )
    guardian = User.objects.get(username="13912345678")
    link = GuardianLink.objects.get(guardian=guardian, revoked_at=None)
    assert client_for(class_teacher).post(reverse("family_link_revoke", args=[link.pk])).status_code == 302
    assert not children_of(guardian).exists()

    again = client_for(guardian).post(reverse("family_join"), {"code": slip.secret, "relation": "father"})
    assert again.status_code == 400
    assert not children_of(guardian).exists()
    assert not GuardianInvitation.objects.open().filter(student=student).exists()


def test_a_phone_typed_on_a_slip_does_not_collect_the_invitations_sent_to_that_phone(
    class_teacher, student, school_class, client_for
) -> None:
    """Whoever holds any slip (the pupil, a classmate, a separated parent) makes an account with
    somebody else's phone number, unverified. Every later link invitation the school sends to that
    number waits on the squatter's home page, who accepts it and is linked to that child: the
    number's real owner gets a text whose link only says "sign in first"."""
    [slip] = invitations.issue_slips(school_class=school_class, by=class_teacher)
    mothers_phone = "13712345678"
    squatter = Client()
    joined = squatter.post(
        reverse("family_join"),
        {"code": slip.secret, "phone": mothers_phone, "name": "冒名者", "relation": "other"},
    )
    # The typed phone only gets a link texted to it: no account, nobody signed in.
    assert joined.status_code == 200
    assert not User.objects.filter(username=mothers_phone).exists()
    sibling = make_student("sibling", school_class)
    invitations.invite_guardian(
        student=sibling, phone=mothers_phone, name="母亲", relation="mother", by=class_teacher, send_text=True
    )
    pending = GuardianInvitation.objects.get(student=sibling, channel=InvitationChannel.LINK)
    assert squatter.post(reverse("family_accept", args=[pending.pk])).status_code == 302
    assert not GuardianLink.objects.filter(student__in=[student, sibling]).exists()
    # Both links went to the number's owner, by text: the squatter's page holds neither.
    texts = OutboxMessage.objects.filter(phone=mothers_phone)
    assert texts.count() == 2
    assert all(text.url not in joined.content.decode() for text in texts)
    # The owner opens the school's text on her phone and is linked to the sibling only (the slip's
    # link, asked for by someone else, waits unused until it expires).
    school_text = texts.get(dedupe_key=invitations.text_key(pending.pk))
    mother = Client()
    mother.post(school_text.url, {"name": "母亲", "password1": PASSWORD, "password2": PASSWORD})
    assert list(children_of(User.objects.get(username=mothers_phone))) == [sibling]


def test_a_staff_phone_typed_with_spaces_is_still_a_school_phone(class_teacher, student, counselor) -> None:
    """Staff accounts keep their phone as typed ("138 0000 0009", "+86 …"); the invitation's check
    compared it with the bare digits, so a teacher's or counselor's mobile became a guardian account."""
    counselor.phone = "+86 139 1234 5678"
    counselor.save(update_fields=["phone"])
    with pytest.raises(invitations.InvitationError):
        invitations.invite_guardian(student=student, phone="13912345678", name="x", relation="father", by=class_teacher)
    assert not GuardianInvitation.objects.exists()


def test_the_console_backend_does_not_write_an_invitations_secret_to_the_log(
    class_teacher, student, settings, monkeypatch
) -> None:
    """Any install without SMS_BACKEND uses the console backend, whose output is the worker's log
    (var/celery.log): the texted invitation's one-time link was written there whole, so whoever reads
    the log could make the account for that phone and be linked to the child."""
    import io

    from counseling.services.sms import ConsoleBackend

    settings.SMS_BACKEND = "counseling.services.sms.ConsoleBackend"
    out = io.StringIO()
    monkeypatch.setattr(ConsoleBackend, "stream", out)
    issued = invitations.invite_guardian(
        student=student, phone="13912345678", name="父亲", relation="father", by=class_teacher, send_text=True
    )
    deliver_due()
    assert "SMS to 139****5678" in out.getvalue()
    assert issued.secret not in out.getvalue()
