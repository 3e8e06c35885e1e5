"""Joining with a printed slip, signed out: the code and a phone ask for a link texted to that phone;
the account is made, the child linked and the slip used only when the link is opened (proof of the phone)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from counseling.enums import InvitationChannel
from counseling.models import AuditEntry, GuardianInvitation, GuardianLink, OutboxMessage, User
from counseling.services import invitations
from counseling.services.family import children_of

pytestmark = pytest.mark.django_db

PASSWORD = "Qiushui-Lake-2026"
PHONE = "13712345678"


@pytest.fixture
def slip(school_class, class_teacher, student):
    [item] = invitations.issue_slips(school_class=school_class, by=class_teacher)
    return item


def join(client: Client, code: str, phone: str = PHONE, **extra):
    data = {"code": code, "phone": phone, "name": "李妈妈", "relation": "mother"} | extra
    return client.post(reverse("family_join"), data)


def main(response) -> str:
    """The page's own content (the layout around it carries a fresh CSRF token and nonce)."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_a_slip_join_texts_a_link_to_the_typed_phone_and_creates_no_account(slip, student) -> None:
    client = Client()
    response = join(client, slip.secret)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="link-sent"' in page and "137****5678" in page and PHONE not in page
    assert "24 小时内" in page
    # No account, nobody signed in, the slip not used, nothing linked.
    assert not User.objects.filter(username=PHONE).exists()
    assert "_auth_user_id" not in client.session
    assert invitations.open_invitation(secret=slip.secret, channel=InvitationChannel.SLIP) is not None
    assert not GuardianLink.objects.filter(student=student).exists()
    # A one-time link for the pupil, that phone and relation, tied to the slip, texted quietly.
    link = GuardianInvitation.objects.get(channel=InvitationChannel.LINK)
    assert (link.student, link.phone, link.relation, link.slip_id) == (student, PHONE, "mother", slip.invitation.pk)
    text = OutboxMessage.objects.get(phone=PHONE)
    assert text.recipient is None and text.send_sms and text.url.startswith("/family/join/")
    assert text.url not in page
    assert AuditEntry.objects.filter(object_type="counseling.guardianinvitation", student_id=student.pk).count() == 2


def test_opening_the_texted_link_makes_the_account_links_the_child_and_uses_up_the_slip(slip, student) -> None:
    join(Client(), slip.secret)
    url = OutboxMessage.objects.get(phone=PHONE).url
    phone = Client()
    assert PHONE in phone.get(url).content.decode()
    response = phone.post(url, {"name": "李妈妈", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    guardian = User.objects.get(username=PHONE)
    assert guardian.check_password(PASSWORD)
    assert list(children_of(guardian)) == [student]
    assert GuardianLink.objects.get(guardian=guardian).relation == "mother"
    # The slip works once: its code is refused now, and the link too.
    assert invitations.open_invitation(secret=slip.secret, channel=InvitationChannel.SLIP) is None
    assert GuardianInvitation.objects.get(pk=slip.invitation.pk).used_by == guardian
    assert join(Client(), slip.secret, phone="13600001111").status_code == 400
    assert Client().get(url).status_code == 404


def test_a_later_request_with_the_slip_withdraws_the_earlier_link(slip) -> None:
    join(Client(), slip.secret)
    first = OutboxMessage.objects.get(phone=PHONE).url
    join(Client(), slip.secret, phone="13600001111")
    assert Client().get(first).status_code == 404
    assert Client().get(OutboxMessage.objects.get(phone="13600001111").url).status_code == 200


def test_a_link_asked_for_with_a_slip_dies_with_the_slip(slip, school_class, class_teacher) -> None:
    join(Client(), slip.secret)
    url = OutboxMessage.objects.get(phone=PHONE).url
    invitations.issue_slips(school_class=school_class, by=class_teacher)  # the old slips are withdrawn
    response = Client().post(url, {"name": "x", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 404
    assert not User.objects.filter(username=PHONE).exists()


def test_a_school_phone_gets_the_same_page_and_no_text(slip, counselor) -> None:
    counselor.phone = "+86 137 1234 5678"
    counselor.save(update_fields=["phone"])
    school = join(Client(), slip.secret)
    assert school.status_code == 200
    assert "137****5678" in main(school) and "属于学校的账户" not in main(school)
    assert not OutboxMessage.objects.exists()
    assert not GuardianInvitation.objects.filter(channel=InvitationChannel.LINK).exists()
    other = join(Client(), slip.secret, phone="13912345678")
    assert other.status_code == 200
    assert main(other).replace("139****5678", "137****5678") == main(school)


def test_an_existing_guardians_phone_gets_the_same_page_and_a_quiet_notice(client_for, slip, guardian, student) -> None:
    response = join(Client(), slip.secret, phone=guardian.username)
    assert response.status_code == 200
    # Told by text that an invitation waits on the home page; no link texted, nothing linked yet.
    notice = OutboxMessage.objects.get(recipient=guardian)
    assert notice.send_sms and notice.url == reverse("home") and not notice.phone
    [pending] = invitations.pending_for(guardian)
    assert pending.slip_id == slip.invitation.pk
    assert list(children_of(guardian)) == [student]  # the fixture's own link only, so far
    new_phone = join(Client(), slip.secret, phone="13800000009")
    assert main(response).replace("138****0001", "138****0009") == main(new_phone)


def test_a_guardian_accepting_a_link_asked_for_with_a_slip_uses_up_the_slip(
    client_for, slip, other_guardian, student
) -> None:
    join(Client(), slip.secret, phone=other_guardian.username)
    [pending] = invitations.pending_for(other_guardian)
    assert client_for(other_guardian).post(reverse("family_accept", args=[pending.pk])).status_code == 302
    assert student in children_of(other_guardian)
    assert invitations.open_invitation(secret=slip.secret, channel=InvitationChannel.SLIP) is None


def test_step_one_refusals_are_rate_limited(settings, slip) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        assert join(client, "wrongcode22").status_code == 400
    # Locked: even the right code is refused now, and nothing is texted.
    assert join(client, slip.secret).status_code == 429
    assert not OutboxMessage.objects.exists()


def test_a_signed_out_slip_cannot_be_accepted_directly(slip) -> None:
    with pytest.raises(invitations.InvitationError):
        invitations.accept_invitation(invitation=slip.invitation, password=PASSWORD, name="x")
    assert invitations.open_invitation(secret=slip.secret, channel=InvitationChannel.SLIP) is not None


def test_a_signed_in_guardian_still_adds_a_child_with_a_slip_code(client_for, guardian, slip, student) -> None:
    GuardianLink.objects.filter(guardian=guardian).delete()
    response = client_for(guardian).post(reverse("family_join"), {"code": slip.secret, "relation": "mother"})
    assert response.status_code == 302
    assert list(children_of(guardian)) == [student]
    assert not OutboxMessage.objects.exists()
    assert invitations.open_invitation(secret=slip.secret, channel=InvitationChannel.SLIP) is None


def test_a_slip_asks_for_a_bounded_number_of_texts_whatever_the_phones(slip, counselor) -> None:
    counselor.phone = "13600009999"
    counselor.save(update_fields=["phone"])
    phones = ["13600009999"] + [f"1390000000{n}" for n in range(invitations.SLIP_LINK_LIMIT - 1)]
    for phone in phones:  # a school phone counts like any other: the limit tells nothing about it
        assert join(Client(), slip.secret, phone=phone).status_code == 200
    refused = join(Client(), slip.secret, phone="13911112222")
    assert refused.status_code == 400
    assert "这张回执单申请的短信已经太多" in refused.content.decode()
    asked = GuardianInvitation.objects.filter(slip=slip.invitation.pk)
    assert asked.count() == invitations.SLIP_LINK_LIMIT - 1  # each withdrew the one before (and its unsent text)
    assert not OutboxMessage.objects.filter(phone="13911112222").exists()
