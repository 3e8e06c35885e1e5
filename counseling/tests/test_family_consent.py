"""Consent asked online: staff send a request to a class's families; a guardian answers for their own child."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from archives.models import Submission
from archives.tests.factories import builtin, phq9_answers, post_data, published
from counseling.enums import ConsentMethod, ConsentPurpose, ConsentState
from counseling.models import ConsentRecord, ConsentRequest, OutboxMessage
from counseling.services import consent_requests
from counseling.services.consent import ConsentError, consent_state, screening_permitted

pytestmark = pytest.mark.django_db

EXPLANATION = "本学期将进行心理健康普查，问卷约十分钟。"


def aged(student, years: int) -> None:
    today = timezone.localdate()
    profile = student.student_profile
    profile.date_of_birth = today.replace(year=today.year - years, day=min(today.day, 28))
    profile.save(update_fields=["date_of_birth"])


def send(client, school_class, purpose=ConsentPurpose.SCREENING):
    return client.post(
        reverse("family_consent_requests"),
        {"school_class": school_class.pk, "purpose": purpose, "explanation": EXPLANATION},
    )


def test_a_request_reaches_each_guardian_of_the_class_quietly(
    client_for, counselor, school_class, guardian, other_guardian, student
) -> None:
    response = send(client_for(counselor), school_class)
    assert response.status_code == 302
    request = ConsentRequest.objects.get()
    assert request.school_class == school_class and request.explanation == EXPLANATION
    [message] = OutboxMessage.objects.all()
    assert message.recipient == guardian and message.send_sms
    # The SMS says only the quiet kind phrase: no child's name, no purpose.
    assert student.get_full_name() not in message.kind and "心理" not in message.kind


def test_a_class_teacher_asks_only_their_own_class(client_for, class_teacher, other_class, other_guardian) -> None:
    response = send(client_for(class_teacher), other_class)
    assert response.status_code == 400
    assert not ConsentRequest.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_guardian_signs_online_and_the_staff_page_shows_it(
    client_for, counselor, class_teacher, school_class, guardian, student
) -> None:
    send(client_for(counselor), school_class)
    request = ConsentRequest.objects.get()
    client = client_for(guardian)
    assert student.get_full_name() in client.get(reverse("home")).content.decode()
    url = reverse("family_consent_answer", args=[request.pk, student.pk])
    page = client.get(url).content.decode()
    assert EXPLANATION in page
    assert client.post(url, {"state": ConsentState.GIVEN}).status_code == 302
    record = ConsentRecord.objects.get(student=student)
    assert (record.state, record.method, record.recorded_by, record.is_current) == (
        ConsentState.GIVEN,
        ConsentMethod.ONLINE,
        guardian,
        True,
    )
    assert record.reference == f"online request #{request.pk}"
    # The class teacher's consent page shows who answered online.
    staff_page = client_for(class_teacher).get(reverse("schoolyear:consent_class", args=[school_class.pk]))
    text = staff_page.content.decode()
    assert f'data-testid="online-{student.pk}"' in text and guardian.get_full_name() in text


def test_online_consent_lets_a_younger_student_take_a_named_screening(
    client_for, counselor, school_class, guardian, student
) -> None:
    aged(student, 12)
    screening = published([builtin("phq9")], [school_class], by=counselor)
    assert not screening_permitted(student, named=True, on=timezone.localdate())
    request = consent_requests.send_consent_request(
        school_class=school_class, purpose=ConsentPurpose.SCREENING, explanation=EXPLANATION, by=counselor
    )
    client_for(guardian).post(
        reverse("family_consent_answer", args=[request.pk, student.pk]), {"state": ConsentState.GIVEN}
    )
    assert screening_permitted(student, named=True, on=timezone.localdate())
    client_for(student).post(
        reverse("archives:survey", args=[screening.pk]), post_data(screening, {"phq9": phq9_answers(3)})
    )
    assert Submission.objects.filter(student=student, screening=screening).exists()


def test_the_guardian_can_refuse_and_later_withdraw(client_for, counselor, school_class, guardian, student) -> None:
    request = consent_requests.send_consent_request(
        school_class=school_class, purpose=ConsentPurpose.GUARDIAN_CONTACT, explanation=EXPLANATION, by=counselor
    )
    client = client_for(guardian)
    url = reverse("family_consent_answer", args=[request.pk, student.pk])
    # Nothing given yet: withdrawing is not offered, and refused when forced.
    assert 'value="withdrawn"' not in client.get(url).content.decode()
    assert client.post(url, {"state": ConsentState.WITHDRAWN}).status_code == 400
    assert consent_state(student, ConsentPurpose.GUARDIAN_CONTACT) == ConsentState.UNKNOWN
    client.post(url, {"state": ConsentState.GIVEN})
    assert 'value="withdrawn"' in client.get(url).content.decode()
    client.post(url, {"state": ConsentState.WITHDRAWN})
    assert consent_state(student, ConsentPurpose.GUARDIAN_CONTACT) == ConsentState.WITHDRAWN
    assert ConsentRecord.objects.filter(student=student).count() == 2


def test_a_guardian_cannot_answer_for_another_child(
    client_for, counselor, school_class, other_class, guardian, other_guardian, student, other_student
) -> None:
    request = consent_requests.send_consent_request(
        school_class=school_class, purpose=ConsentPurpose.SCREENING, explanation=EXPLANATION, by=counselor
    )
    other_request = consent_requests.send_consent_request(
        school_class=other_class, purpose=ConsentPurpose.SCREENING, explanation="其他班", by=counselor
    )
    client = client_for(other_guardian)
    # Another family's child, through the other family's request or one's own: 404, nothing recorded.
    for pk in (request.pk, other_request.pk):
        url = reverse("family_consent_answer", args=[pk, student.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"state": ConsentState.REFUSED}).status_code == 404
    # One's own child through a request to another class: 404 too.
    assert client.get(reverse("family_consent_answer", args=[request.pk, other_student.pk])).status_code == 404
    assert not ConsentRecord.objects.exists()
    # The other guardian's list shows only their own child's request.
    page = client.get(reverse("family_consent_list")).content.decode()
    assert other_student.get_full_name() in page and student.get_full_name() not in page
    with pytest.raises(ConsentError):
        consent_requests.answer(
            consent_request=request, child=student, guardian=other_guardian, state=ConsentState.GIVEN
        )


def test_bad_answers_change_nothing(client_for, counselor, school_class, guardian, student) -> None:
    request = consent_requests.send_consent_request(
        school_class=school_class, purpose=ConsentPurpose.SCREENING, explanation=EXPLANATION, by=counselor
    )
    url = reverse("family_consent_answer", args=[request.pk, student.pk])
    for state in ("", "unknown", "x" * 500):
        assert client_for(guardian).post(url, {"state": state}).status_code == 400
    assert not ConsentRecord.objects.exists()
    response = client_for(counselor).post(
        reverse("family_consent_requests"),
        {"school_class": school_class.pk, "purpose": "screening", "explanation": "x" * 2001},
    )
    assert response.status_code == 400
    assert ConsentRequest.objects.count() == 1


def test_staff_cannot_type_in_an_online_signature(client_for, class_teacher, student) -> None:
    response = client_for(class_teacher).post(
        reverse("schoolyear:consent_student", args=[student.pk]),
        {"purpose": "screening", "state": "given", "dated": timezone.localdate().isoformat(), "method": "online"},
    )
    assert response.status_code == 400
    assert not ConsentRecord.objects.exists()


def test_a_sent_request_leads_to_the_class_answers(client_for, class_teacher, school_class, guardian) -> None:
    client = client_for(class_teacher)
    send(client, school_class)
    page = client.get(reverse("family_consent_requests")).content.decode()
    answers = f"{reverse('schoolyear:consent_class', args=[school_class.pk])}?purpose={ConsentPurpose.SCREENING}"
    assert answers in page and "查看答复" in page
    assert client.get(answers).status_code == 200


def test_a_guardian_who_has_not_answered_reads_no_answer_yet_not_unknown(
    client_for, counselor, guardian, student, school_class
) -> None:
    request = consent_requests.send_consent_request(
        school_class=school_class, purpose=ConsentPurpose.SCREENING, explanation="说明", by=counselor
    )
    client = client_for(guardian)
    for page in (
        client.get(reverse("home")),
        client.get(reverse("family_consent_list")),
        client.get(reverse("family_consent_answer", args=[request.pk, student.pk])),
    ):
        text = page.content.decode()
        assert "尚未答复" in text and "未知" not in text
