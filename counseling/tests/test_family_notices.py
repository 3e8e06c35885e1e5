"""Notices to families: the class teacher writes to their class's guardians, the office to a grade or everyone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from counseling.enums import NoticeAudience
from counseling.models import FamilyNotice, Notification, OutboxMessage
from counseling.services import family_notices
from counseling.services.notify import deliver_due

pytestmark = pytest.mark.django_db

TITLE = "家长会通知"
TEXT = "本周五下午四点在学校礼堂召开家长会。"


def post(client, **data):
    return client.post(reverse("family_notices"), {"title": TITLE, "text": TEXT, **data})


def test_a_class_teacher_writes_to_the_guardians_of_their_class(
    client_for, class_teacher, school_class, guardian, other_guardian
) -> None:
    response = post(client_for(class_teacher), audience=NoticeAudience.CLASS, school_class=school_class.pk)
    assert response.status_code == 302
    notice = FamilyNotice.objects.get()
    assert notice.recipients == 1
    [message] = OutboxMessage.objects.all()
    assert message.recipient == guardian and message.send_sms and TITLE not in message.kind
    deliver_due()
    assert Notification.objects.get(user=guardian).url == reverse("family_notice", args=[notice.pk])
    # The guardian reads it, on the home page and its own page; the other family sees nothing of it.
    client = client_for(guardian)
    assert TITLE in client.get(reverse("home")).content.decode()
    assert TEXT in client.get(reverse("family_notice", args=[notice.pk])).content.decode()
    assert client_for(other_guardian).get(reverse("family_notice", args=[notice.pk])).status_code == 404
    assert TITLE not in client_for(other_guardian).get(reverse("home")).content.decode()


def test_a_class_teacher_cannot_write_to_another_class_nor_a_grade(
    client_for, class_teacher, other_class, grade, other_guardian
) -> None:
    client = client_for(class_teacher)
    assert post(client, audience=NoticeAudience.CLASS, school_class=other_class.pk).status_code == 400
    assert post(client, audience=NoticeAudience.GRADE, grade=grade.pk).status_code == 400
    assert post(client, audience=NoticeAudience.SCHOOL).status_code == 400
    assert not FamilyNotice.objects.exists() and not OutboxMessage.objects.exists()


def test_the_office_writes_to_a_grade_and_to_everyone(
    client_for, counselor, grade, guardian, other_guardian, school_class, other_class
) -> None:
    client = client_for(counselor)
    assert post(client, audience=NoticeAudience.GRADE, grade=grade.pk).status_code == 302
    assert post(client, audience=NoticeAudience.SCHOOL).status_code == 302
    assert FamilyNotice.objects.filter(recipients=2).count() == 2
    assert OutboxMessage.objects.filter(recipient=guardian).count() == 2
    assert OutboxMessage.objects.filter(recipient=other_guardian).count() == 2
    assert family_notices.notices_for(guardian).count() == 2


def test_a_pupil_s_name_is_a_warning_to_confirm(client_for, class_teacher, school_class, student, guardian) -> None:
    client = client_for(class_teacher)
    data = {"audience": NoticeAudience.CLASS, "school_class": school_class.pk}
    text = f"{student.get_full_name()}同学最近情绪低落，请家长关注。"
    response = client.post(reverse("family_notices"), {**data, "title": TITLE, "text": text})
    assert response.status_code == 400
    assert student.get_full_name() in response.content.decode()
    assert 'name="confirm_names"' in response.content.decode()
    assert not FamilyNotice.objects.exists()
    # Confirmed, it goes (the writer has checked it).
    response = client.post(reverse("family_notices"), {**data, "title": TITLE, "text": text, "confirm_names": "on"})
    assert response.status_code == 302


def test_bounds_and_bad_input_change_nothing(client_for, counselor, school_class, guardian) -> None:
    client = client_for(counselor)
    for data in (
        {"audience": NoticeAudience.CLASS, "school_class": school_class.pk, "title": "x" * 81, "text": TEXT},
        {"audience": NoticeAudience.CLASS, "school_class": school_class.pk, "title": TITLE, "text": "x" * 1001},
        {"audience": NoticeAudience.CLASS, "title": TITLE, "text": TEXT},
        {"audience": "nobody", "title": TITLE, "text": TEXT},
        {"audience": NoticeAudience.CLASS, "school_class": "999999", "title": TITLE, "text": TEXT},
    ):
        assert client.post(reverse("family_notices"), data).status_code == 400
    assert not FamilyNotice.objects.exists()


def test_a_guardian_cannot_send_a_notice(client_for, guardian, school_class) -> None:
    client = client_for(guardian)
    assert post(client, audience=NoticeAudience.CLASS, school_class=school_class.pk).status_code == 403
    assert not FamilyNotice.objects.exists()
