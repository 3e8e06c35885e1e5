"""Third parties protected: whoever passed on a concern is not named in the student's data export,
and a committee member learns only that their concern reached the office."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.tests.factories import MailboxItemFactory
from archives.tests.factories import ClassLogEntryFactory
from counseling.cases.enums import CaseStatus
from counseling.cases.models import Case, Concern, RiskSignal
from counseling.cases.services.signals import acknowledge
from counseling.cases.tests.factories import NoteFactory
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db

REPORTER = "林晓雨"
NUMBER = "20250099"
WORDS = "她这周每天午饭都不吃，下课一个人躲在楼梯间哭"


@pytest.fixture
def member(school_class):
    """A psychology committee member in the student's class, easy to recognise anywhere."""
    user = make_student("lxy", school_class, student_number=NUMBER, is_committee_member=True)
    user.name, user.email, user.phone = REPORTER, "lxy@example.edu.cn", "13912345678"
    user.save(update_fields=["name", "email", "phone"])
    return user


def _pass_on(client_for, member, student, *, urgency: str = "normal", words: str = WORDS) -> Concern:
    client_for(member).post(
        reverse("cases:concern_new"), {"student": student.pk, "urgency": urgency, "description": words}
    )
    return Concern.objects.filter(referred_by=member).latest("pk")


def _export(client, student, lang: str = "zh-hans") -> dict[str, str]:
    response = client.post(
        reverse("schoolyear:export_student", args=[student.pk]),
        {
            "reason": "家长申请查阅",
            "include_confidential": "on",
            "confidential_reason": "家长书面申请",
            "confirmed": "on",
            "confirm": "1",
        },
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def test_the_export_keeps_the_concern_but_not_who_passed_it_on(
    client_for, member, student, class_teacher, school_class, counselor, head
) -> None:
    # The reporter signs their concern, and the counselor's note and the reporter's letter name them.
    concern = _pass_on(client_for, member, student, words=f"{WORDS}。——{REPORTER}（学号{NUMBER}）")
    client_for(counselor).post(reverse("cases:concern_take_up", args=[concern.pk]))
    case = Case.objects.get(student=student)
    NoteFactory(case=case, content=f"由同学{REPORTER}陪同前来，谈到期中考试。")
    MailboxItemFactory(sender=member, about_student=student, body=f"我是{REPORTER}，电话13912345678，她又哭了")
    MailboxItemFactory(sender=class_teacher, about_student=student, body="该生最近常独自坐在操场")
    ClassLogEntryFactory(student=student, school_class=school_class, teacher=class_teacher, text="课间谈心，情绪平稳")

    files = _export(client_for(head), student)

    assert {"cases/concerns.txt", "appointments/letters_about_the_student.csv", "archives/staff_notes.txt"} <= set(
        files
    )
    for name, text in files.items():
        for identity in (REPORTER, NUMBER, member.email, member.phone, class_teacher.get_full_name()):
            assert identity not in text, (identity, name)
    concerns = files["cases/concerns.txt"]
    assert WORDS in concerns  # the words about the student stay
    assert "一位同学" in concerns and "[第三方信息，已隐去]" in concerns
    letters = files["appointments/letters_about_the_student.csv"]
    assert "一位同学" in letters and "一位教职工" in letters and "该生最近常独自坐在操场" in letters
    assert "[staff log" in files["archives/staff_notes.txt"] and "课间谈心" in files["archives/staff_notes.txt"]
    case_file = files[f"cases/case-{case.number}.txt"]
    assert "由同学[第三方信息，已隐去]陪同前来" in case_file
    assert "班主任转介" not in case_file and "有人向心理辅导室转介了关注" in case_file
    # The student's own counselor stays named.
    assert counselor.get_full_name() in case_file


def test_the_export_in_english_names_the_reporter_by_role(client_for, member, student, head) -> None:
    _pass_on(client_for, member, student, words=f"{WORDS} ({REPORTER})")
    concerns = _export(client_for(head), student, "en")["cases/concerns.txt"]
    assert "a classmate" in concerns and f"{WORDS} ([withheld: third party])" in concerns
    assert REPORTER not in concerns


PASSED_ON = {"zh-hans": "已转交心理辅导室", "en": "Passed to the counseling office"}
FOLLOWING = {
    "zh-hans": ("正在跟进", "目前未在跟进", "已收到"),
    "en": ("Being followed", "Not being followed at present", "Received"),
}


def _shows_only_passed_on(client, concern: Concern) -> None:
    for lang in ("zh-hans", "en"):
        for url in (reverse("cases:concern_status", args=[concern.pk]), reverse("cases:concern_mine")):
            page = client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
            assert PASSED_ON[lang] in page, (lang, url)
            for word in FOLLOWING[lang]:
                assert word not in page, (lang, url, word)


def test_a_committee_member_sees_passed_on_at_every_status(client_for, member, student, counselor, head) -> None:
    client = client_for(member)
    concern = _pass_on(client_for, member, student, urgency="urgent")
    _shows_only_passed_on(client, concern)  # new
    acknowledge(RiskSignal.objects.get(student=student), by=head)
    _shows_only_passed_on(client, concern)  # acknowledged
    client_for(counselor).post(reverse("cases:concern_take_up", args=[concern.pk]))
    case = Case.objects.get(student=student)
    NoteFactory(case=case)
    _shows_only_passed_on(client, concern)  # case opened
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_at=timezone.now())
    _shows_only_passed_on(client, concern)  # closed
    other = _pass_on(client_for, member, student)
    client_for(counselor).post(reverse("cases:concern_no_case", args=[other.pk]))
    _shows_only_passed_on(client, other)  # handled without a case


def test_the_committee_members_pages_do_not_promise_more(client_for, member) -> None:
    client = client_for(member)
    for url in (reverse("cases:concern_new"), reverse("home")):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "being followed" not in page, url
        assert "stays between your classmate and the office" in page, url


def test_the_class_teacher_still_sees_whether_the_pupil_is_followed(
    client_for, class_teacher, student, counselor
) -> None:
    concern = _pass_on(client_for, class_teacher, student)
    client_for(counselor).post(reverse("cases:concern_take_up", args=[concern.pk]))
    page = client_for(class_teacher).get(
        reverse("cases:concern_status", args=[concern.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "正在跟进" in page.content.decode() and PASSED_ON["zh-hans"] not in page.content.decode()
