"""Bookings and letters as risk signals: a topic that signals risk, a letter with risk words.

Each road raises one urgent signal that reaches the responsible counselor and the head counselor
and nobody else, with no student name, no topic and no word of the letter in what reaches them.
The student sees the help block; the staff see a badge in words, not only in colour.
"""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from appointments.enums import AppointmentSource
from appointments.models import Appointment, DutyRota, MailboxItem
from appointments.services import lexicon
from appointments.tests.conftest import at, key
from appointments.tests.factories import AppointmentFactory
from counseling.cases.enums import Severity, SignalReason, SignalSource
from counseling.cases.models import RiskSignal
from counseling.models import AuditEntry, ConcernCategory, Notification, OutboxMessage

pytestmark = pytest.mark.django_db

RISK_LETTER = "最近总觉得活着没意思，不知道该跟谁说。"
PLAIN_LETTER = "我和好朋友吵架了，不知道怎么办。"
HELP = 'data-testid="help-block"'


@pytest.fixture
def on_duty(counselor):
    """``counselor`` is on the rota on Mondays (today): the responsible counselor of a student nobody follows."""
    return DutyRota.objects.create(weekday=0, counselor=counselor)


@pytest.fixture
def risk_topic(db):
    return ConcernCategory.objects.get(code="self_harm")


@pytest.fixture
def plain_topic(db):
    return ConcernCategory.objects.get(code="study")


def signal_notices(signal) -> tuple[set, list[str]]:
    """Who got the signal's notices (in the app and by mail), and every text of them."""
    notes = list(Notification.objects.filter(url=reverse("cases:signal_detail", args=[signal.pk])))
    outbox = list(OutboxMessage.objects.filter(dedupe_key__startswith=f"cases:signal:{signal.pk}:"))
    assert {n.user for n in notes} == {m.recipient for m in outbox}
    texts = [n.title + n.body for n in notes] + [m.title + m.body for m in outbox]
    # The e-mails are quiet: they say only that an urgent matter waits (no name, no topic).
    mails = [m for m in mail.outbox if m.subject == "心理辅导室：一条需要您确认的紧急事项"]
    assert sorted(m.to[0] for m in mails) == sorted(o.recipient.email for o in outbox)
    texts += [m.subject + m.body for m in mails]
    return {n.user for n in notes}, texts


def book(client, counselor, moment, topic):
    url = f"{reverse('appointments:book_confirm')}?counselor={counselor.pk}&start={key(moment)}"
    return client.post(url, {"channel": "face_to_face", "topic": topic.pk if topic else ""})


# Booking a topic that signals risk


def test_a_risk_topic_raises_an_urgent_signal_for_the_counselor_and_the_head_only(
    login, student, counselor, other_counselor, head, leader, class_teacher, hours, on_duty, risk_topic, delivered
) -> None:
    with delivered():
        response = book(login(student), counselor, at(1, 17, 25), risk_topic)
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.severity, signal.reason) == (
        SignalSource.BOOKING_TOPIC,
        Severity.URGENT,
        SignalReason.RISK_CATEGORY,
    )
    assert (signal.student, signal.counselor) == (student, counselor)
    assert signal.source_key == f"appointments:appointment:{appointment.pk}"
    assert signal.source_url == reverse("appointments:detail", args=[appointment.pk])
    people, texts = signal_notices(signal)
    assert people == {counselor, head}
    for text in texts:
        for secret in (student.name, student.username, risk_topic.name_zh, risk_topic.name_en, "20250001"):
            assert secret not in text
    # The signal's audit entry is a code, never the topic.
    entry = AuditEntry.objects.get(object_type="cases.risksignal")
    assert entry.detail == "booking_topic urgent risk_category"


def test_the_student_who_chose_a_risk_topic_sees_the_help_block(
    login, student, counselor, hours, risk_topic, settings
) -> None:
    settings.HELP_LINES = ["学校心理热线 / School counseling line=021-5555 0101"]
    client = login(student)
    response = book(client, counselor, at(1, 17, 25), risk_topic)
    page = client.get(response.url).content.decode()
    assert HELP in page
    assert "Need help right now?" in page
    assert 'href="tel:021-55550101"' in page
    # The school's number first, then the national line, police and ambulance.
    order = [page.index(f'href="tel:{number}"') for number in ("021-55550101", "12356", "110", "120")]
    assert order == sorted(order)
    assert "School counseling line" in page
    # A flag for staff only: the student never sees the badge.
    assert 'data-testid="risk-topic"' not in page


def test_the_day_view_shows_a_risk_topic_as_a_badge_in_words(
    login, student, other_student, counselor, risk_topic, plain_topic
) -> None:
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 10, 0), topic=risk_topic)
    AppointmentFactory(student=other_student, counselor=counselor, starts_at=at(1, 11, 0), topic=plain_topic)
    page = login(counselor).get(reverse("appointments:day") + "?date=2026-11-17").content.decode()
    assert page.count('data-testid="risk-topic"') == 1
    assert "Needs attention: Self-harm risk" in page
    assert " · Study" in page  # an ordinary topic stays in the small grey line
    week = login(counselor).get(reverse("appointments:week") + "?date=2026-11-17").content.decode()
    assert week.count('data-testid="risk-topic"') == 1
    assert "Self-harm risk" not in week  # the week's cards never showed topics; the badge says only "needs attention"


def test_the_day_view_badge_in_chinese(client_for, counselor, student, risk_topic) -> None:
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 10, 0), topic=risk_topic)
    client = client_for(counselor)
    page = client.get(reverse("appointments:day") + "?date=2026-11-17", headers={"accept-language": "zh-hans"})
    assert "需关注：自伤风险" in page.content.decode()


def test_an_ordinary_topic_raises_nothing_and_shows_no_help_block(
    login, student, counselor, hours, on_duty, plain_topic, delivered
) -> None:
    client = login(student)
    with delivered():
        response = book(client, counselor, at(1, 17, 25), plain_topic)
    assert response.status_code == 302
    assert not RiskSignal.objects.exists()
    assert not OutboxMessage.objects.filter(dedupe_key__startswith="cases:signal:").exists()
    assert HELP not in client.get(response.url).content.decode()
    day = login(counselor).get(reverse("appointments:day") + "?date=2026-11-17").content.decode()
    assert 'data-testid="risk-topic"' not in day


def test_no_topic_raises_nothing(login, student, counselor, hours, on_duty) -> None:
    assert book(login(student), counselor, at(1, 17, 25), None).status_code == 302
    assert not RiskSignal.objects.exists()


def test_a_counselor_booking_a_student_on_a_risk_topic_raises_the_signal(
    login, student, counselor, other_counselor, head, hours, risk_topic, delivered
) -> None:
    with delivered():
        response = login(other_counselor).post(
            reverse("appointments:create"),
            {
                "student": student.student_profile.student_number,
                "date": "2026-11-16",
                "start_time": "10:00",
                "duration": "45",
                "channel": "face_to_face",
                "topic": risk_topic.pk,
                "source": "walk_in",
                "room": "301",
            },
        )
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.reason, signal.student, signal.raised_by) == (
        SignalSource.BOOKING_TOPIC,
        SignalReason.RISK_CATEGORY,
        student,
        other_counselor,
    )
    assert signal.source_key == f"appointments:appointment:{appointment.pk}"
    # Nobody follows the student and nobody is on the rota: the head counselor answers for them.
    people, _texts = signal_notices(signal)
    assert people == {head}


def test_follow_ups_of_a_risk_appointment_raise_no_new_signal(login, student, counselor, risk_topic) -> None:
    base = AppointmentFactory(
        student=student, counselor=counselor, starts_at=at(0, 15, 0), ends_at=at(0, 15, 45), topic=risk_topic
    )
    data = {"first_date": "2026-11-23", "start_time": "15:00", "every": "7", "count": "2", "action": "save"}
    response = login(counselor).post(reverse("appointments:follow_ups", args=[base.pk]), data)
    assert response.status_code == 302
    assert Appointment.objects.filter(source=AppointmentSource.FOLLOW_UP, topic=risk_topic).count() == 2
    assert not RiskSignal.objects.exists()


# A letter with words on the risk list


def send(client, body: str, **extra):
    return client.post(reverse("appointments:letter_new"), {"kind": "letter", "body": body, **extra})


def test_a_letter_with_risk_words_is_flagged_and_raises_a_signal(
    login, student, counselor, other_counselor, head, leader, on_duty, delivered, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    client = login(student)
    with delivered():
        response = send(client, RISK_LETTER)
    item = MailboxItem.objects.get()
    assert response.status_code == 302
    assert item.risk_flagged
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.severity, signal.reason, signal.student) == (
        SignalSource.MAILBOX,
        Severity.URGENT,
        SignalReason.RISK_WORDS,
        student,
    )
    assert signal.source_key == f"appointments:mailbox:{item.pk}"
    assert signal.source_url == reverse("appointments:mailbox_item", args=[item.pk])
    people, texts = signal_notices(signal)
    assert people == {counselor, head}
    for text in texts:
        for secret in (student.name, "活着没意思", RISK_LETTER):
            assert secret not in text
    # Not the words, nor the phrase that matched: not in the audit trail, not in a log line.
    assert all("活着" not in e.detail for e in AuditEntry.objects.all())
    assert "活着" not in caplog.text
    # The student lands on the "sent" page, where the help block waits.
    sent = client.get(response.url).content.decode()
    assert HELP in sent
    assert 'href="tel:12356"' in sent
    assert "Risk words" not in sent  # a flag for staff, not for the student
    assert HELP in client.get(reverse("appointments:mailbox_item", args=[item.pk])).content.decode()


def test_the_flag_shows_in_the_inbox_and_on_the_item_page_on_top_of_older_letters(
    login, student, other_student, counselor
) -> None:
    send(login(other_student), PLAIN_LETTER)
    send(login(student), RISK_LETTER)
    flagged = MailboxItem.objects.get(risk_flagged=True)
    client = login(counselor)
    inbox = client.get(reverse("appointments:mailbox")).content.decode()
    assert inbox.count('data-testid="risk-words"') == 1
    assert "Risk words" in inbox
    # Waiting letters are oldest first, but a flagged one comes first of all.
    plain = MailboxItem.objects.get(risk_flagged=False)
    link = 'href="{}"'
    flagged_at = inbox.index(link.format(reverse("appointments:mailbox_item", args=[flagged.pk])))
    assert flagged_at < inbox.index(link.format(reverse("appointments:mailbox_item", args=[plain.pk])))
    item = client.get(reverse("appointments:mailbox_item", args=[flagged.pk])).content.decode()
    assert 'data-testid="risk-words"' in item
    assert "it never diagnoses" in item
    assert HELP not in item
    zh = client.get(reverse("appointments:mailbox"), headers={"accept-language": "zh-hans"}).content.decode()
    assert "风险词" in zh


def test_an_anonymous_letter_raises_a_signal_without_a_student(
    login, student, counselor, head, on_duty, delivered
) -> None:
    with delivered():
        send(login(student), "I want to end my life.", is_anonymous="on")
    item = MailboxItem.objects.get()
    assert item.risk_flagged and item.is_anonymous
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.reason, signal.student, signal.raised_by) == (
        SignalSource.MAILBOX,
        SignalReason.RISK_WORDS,
        None,
        None,
    )
    # Nobody to route by: the head counselor answers for it.
    assert signal.counselor == head
    people, texts = signal_notices(signal)
    assert people == {head}
    assert all(student.name not in t and "end my life" not in t for t in texts)
    # The signal's audit entry names neither the sender nor a student.
    entry = AuditEntry.objects.get(object_type="cases.risksignal")
    assert (entry.actor, entry.student_id, entry.ip_address) == (None, None, None)


def test_a_teachers_letter_with_risk_words_is_about_the_student_they_name(login, class_teacher, student, head) -> None:
    send(login(class_teacher), "他说自己想 死。", about_student=student.pk)
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.student) == (SignalSource.MAILBOX, student)


def test_a_letter_without_risk_words_raises_nothing(login, student, counselor, on_duty, delivered) -> None:
    client = login(student)
    with delivered():
        response = send(client, PLAIN_LETTER)
    item = MailboxItem.objects.get()
    assert not item.risk_flagged
    assert not RiskSignal.objects.exists()
    assert HELP not in client.get(response.url).content.decode()
    assert 'data-testid="risk-words"' not in login(counselor).get(reverse("appointments:mailbox")).content.decode()


def test_the_schools_lexicon_replaces_the_default(login, student, settings) -> None:
    settings.RISK_LEXICON = ["不想上学了"]
    send(login(student), "我真的 不想上学 了！")
    send(login(student), RISK_LETTER)
    flags = list(MailboxItem.objects.order_by("pk").values_list("risk_flagged", flat=True))
    assert flags == [True, False]
    assert RiskSignal.objects.count() == 1


# The lexicon itself


@pytest.mark.parametrize(
    "text",
    [
        "我觉得活着没意思",
        "不 想 活 了",
        "不-想-活",
        "真的好想死",
        "自，杀",
        "I want to KILL-myself",
        "ＳＵＩＣＩＤＥ",
        "thinking about self harm",
        "selfharm",
        "I just want to die.",
    ],
)
def test_the_default_lexicon_matches_through_case_spaces_and_punctuation(text) -> None:
    assert lexicon.matches(text)


@pytest.mark.parametrize("text", ["", "今天天气很好", "I had to skill myself up", "I want to diet", "homework"])
def test_the_default_lexicon_leaves_ordinary_text_alone(text) -> None:
    assert not lexicon.matches(text)


def test_an_override_replaces_the_list() -> None:
    with override_settings(RISK_LEXICON=["Exam panic"]):
        assert lexicon.phrases() == ("Exam panic",)
        assert lexicon.matches("EXAM   panic!")
        assert not lexicon.matches("活着没意思")
    assert lexicon.phrases() == lexicon.DEFAULT_PHRASES
    assert lexicon.matches("活着没意思")
