"""Help right now on every student page, and an honest promise of what stays private.

The footer no longer promises that everything stays secret: it says when the office must tell
someone and links to a page, in both languages and open to everyone, that says who and what.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from counseling.context_processors import help_lines

pytestmark = pytest.mark.django_db

HELP_LINK = 'data-testid="help-link"'
HELP_BLOCK = 'data-testid="help-block"'
OLD_PROMISES = ("What you tell the counseling office stays confidential.", "您在心理辅导室所说的一切都会严格保密")
STUDENT_PAGES = [
    "home",
    "notifications",
    "appointments:mine",
    "appointments:book",
    "appointments:letter_new",
    "appointments:my_letters",
    "archives:my_surveys",
    "campaigns:my_events",
    "cases:complaint_mine",
]


def get(client: Client, url: str, language: str = "en") -> str:
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200, url
    return response.content.decode()


# The "need help right now?" link


@pytest.mark.parametrize("name", STUDENT_PAGES)
def test_every_student_page_has_the_help_link_one_tap_away(client_for, student, name) -> None:
    page = get(client_for(student), reverse(name))
    assert HELP_LINK in page
    assert f'href="{reverse("help")}"' in page
    assert "Need help right now?" in page


def test_the_help_link_reads_in_chinese(client_for, student) -> None:
    assert "需要马上帮助？" in get(client_for(student), reverse("home"), "zh-hans")


def test_signed_out_visitors_have_the_help_link_and_staff_the_footer_line(client_for, counselor) -> None:
    assert HELP_LINK in get(Client(), reverse("login"))
    staff_home = get(client_for(counselor), reverse("home"))
    assert HELP_LINK not in staff_home
    assert f'href="{reverse("help")}"' in staff_home  # "Help lines" in the footer


def test_the_help_page_lists_the_lines_as_tap_to_call_links(settings) -> None:
    settings.HELP_LINES = [
        "学校心理辅导室 / School counseling office=021-5555 0101",
        "全国心理援助热线 / National mental-health line=12356",
    ]
    page = get(Client(), reverse("help"))
    assert HELP_BLOCK in page
    numbers = ["021-55550101", "12356", "110", "120"]
    spots = [page.index(f'href="tel:{number}"') for number in numbers]
    assert spots == sorted(spots)  # the school's numbers first, in their order, then the national ones
    assert page.count('href="tel:12356"') == 1
    assert "School counseling office" in page
    assert "National mental-health line" in page
    assert f'href="{reverse("privacy")}"' in page
    zh = get(Client(), reverse("help"), "zh-hans")
    assert "学校心理辅导室" in zh
    assert "全国心理援助热线" in zh
    assert "需要马上帮助？" in zh


def test_the_help_lines_default_to_the_national_ones(settings) -> None:
    settings.HELP_LINES = []
    with translation.override("en"):
        assert help_lines() == [("National mental-health line", "12356"), ("Police", "110"), ("Ambulance", "120")]
    with translation.override("zh-hans"):
        assert help_lines() == [("全国心理援助热线", "12356"), ("报警", "110"), ("急救", "120")]


def test_a_help_line_without_a_number_is_left_out(settings) -> None:
    settings.HELP_LINES = ["Broken=", "=12355", "Night line=400-000-0000"]
    with translation.override("en"):
        assert help_lines() == [
            ("Youth service line", "12355"),
            ("Night line", "400-000-0000"),
            ("National mental-health line", "12356"),
            ("Police", "110"),
            ("Ambulance", "120"),
        ]


def test_a_student_who_must_change_the_password_still_sees_the_help_block(client_for, student) -> None:
    student.must_change_password = True
    student.save(update_fields=["must_change_password"])
    client = client_for(student)
    assert client.get(reverse("appointments:book")).status_code == 302  # every page waits for the new password ...
    assert HELP_BLOCK in get(client, reverse("password_change"))  # ... the help lines are right there
    assert HELP_BLOCK in get(client, reverse("help"))  # ... and the help page stays open


def test_the_help_page_only_answers_reading() -> None:
    assert Client().post(reverse("help")).status_code == 405
    assert Client().post(reverse("privacy")).status_code == 405


# An honest promise


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_page_promises_absolute_secrecy_any_more(client_for, student, counselor, language) -> None:
    pages = [
        get(Client(), reverse("login"), language),
        get(client_for(student), reverse("home"), language),
        get(client_for(counselor), reverse("home"), language),
    ]
    for page in pages:
        assert all(promise not in page for promise in OLD_PROMISES)
        assert f'href="{reverse("privacy")}"' in page
    if language == "en":
        assert "unless your safety or someone else's is at risk, or the law requires us to tell." in pages[1]
    else:
        assert "在这里说的话会被保密，除非涉及本人或他人的安全，或法律要求我们告知。" in pages[1]
        assert "了解详情" in pages[1]


def test_the_privacy_page_in_english_for_anyone() -> None:
    page = get(Client(), reverse("privacy"))
    assert "What stays private, and when we must tell someone" in page
    for heading in ("What stays private", "When we must tell someone", "Who is told", "What is never shared"):
        assert f">{heading}</h2>" in page
    assert "When the law requires it." in page
    assert "the head counselor" in page
    assert "The school's leaders" in page
    assert "Your parents or guardians" in page
    assert "The content of your sessions, your letters and your answers." in page
    assert HELP_BLOCK in page


def test_the_privacy_page_in_chinese(client_for, student) -> None:
    page = get(client_for(student), reverse("privacy"), "zh-hans")
    assert "什么会保密，什么时候我们必须告诉别人" in page
    for heading in ("什么会保密", "什么时候我们必须告诉别人", "会告诉谁", "什么永远不会被透露"):
        assert f">{heading}</h2>" in page
    assert "当法律要求我们告知时。" in page
    assert "心理辅导室的负责老师" in page
    assert "学校领导" in page
    assert "你的父母或监护人" in page
    assert "你的辅导谈话内容、你写的信和你的回答" in page


@pytest.mark.parametrize("name", ["appointments:book", "appointments:letter_new", "appointments:my_letters"])
def test_the_booking_and_mailbox_pages_link_to_the_privacy_page(client_for, student, name) -> None:
    main = get(client_for(student), reverse(name)).split("<footer", 1)[0]
    assert f'href="{reverse("privacy")}"' in main


def test_every_template_can_link_to_the_privacy_and_help_pages(client_for, student) -> None:
    response = client_for(student).get(reverse("archives:my_surveys"))
    assert (response.context["privacy_url"], response.context["help_url"]) == ("/privacy/", "/help/")
    assert [number for _label, number in response.context["help_lines"]] == ["12356", "110", "120"]
