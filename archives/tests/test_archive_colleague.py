"""The archive page shows a counselor the facts of their own cases only: of a colleague's case,
just who holds it (docs/access.md: cases are "own cases only"; the head counselor sees all)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import formats, translation

from counseling.cases.enums import CaseStatus, RiskLevel
from counseling.cases.tests.factories import CaseFactory, NoteFactory, ReferralFactory

pytestmark = pytest.mark.django_db

INSTITUTION = "市第七人民医院心理科"


@pytest.fixture
def colleague_case(student, other_counselor):
    """``other_counselor`` holds the student's open, high-risk case with a note and a referral."""
    case = CaseFactory(student=student, counselor=other_counselor, risk_level=RiskLevel.HIGH)
    NoteFactory(case=case, held_on=datetime.date(2026, 10, 13))
    ReferralFactory(case=case, institution=INSTITUTION, referred_on=datetime.date(2026, 10, 20))
    return case


def _day(year: int, month: int, day: int) -> str:
    """A date as the English page shows it."""
    with translation.override("en"):
        return formats.date_format(datetime.date(year, month, day), "SHORT_DATE_FORMAT")


def _page(client, student, lang: str = "en") -> str:
    return client.get(reverse("archives:archive_detail", args=[student.pk]), HTTP_ACCEPT_LANGUAGE=lang).content.decode()


def test_a_colleagues_case_shows_only_who_holds_it(colleague_case, student, counselor, client_for) -> None:
    client = client_for(counselor)
    for url in ("archives:archive_detail", "archives:archive_print"):
        page = client.get(reverse(url, args=[student.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert f"{student.get_full_name()} has an open case with {colleague_case.counselor.get_full_name()}." in page
        assert INSTITUTION not in page
        assert _day(2026, 10, 13) not in page and _day(2026, 10, 20) not in page  # no contact or referral dates
        assert "0 contacts" in page
        assert "Referrals" not in page
        for risk in RiskLevel:
            assert str(risk.label) not in page


def test_the_colleague_line_is_translated(colleague_case, student, counselor, client_for) -> None:
    page = _page(client_for(counselor), student, "zh-hans")
    assert f"{student.get_full_name()}目前在{colleague_case.counselor.get_full_name()}处有进行中的个案。" in page
    assert INSTITUTION not in page


def test_the_counselors_own_case_shows_its_facts(student, counselor, client_for) -> None:
    case = CaseFactory(student=student, counselor=counselor)
    NoteFactory(case=case, held_on=datetime.date(2026, 10, 13))
    ReferralFactory(case=case, institution=INSTITUTION, referred_on=datetime.date(2026, 10, 20))
    page = _page(client_for(counselor), student)
    assert f"Open case held by {counselor.get_full_name()}." in page
    assert "1 contact" in page and _day(2026, 10, 13) in page
    assert INSTITUTION in page and _day(2026, 10, 20) in page
    assert "has an open case with" not in page


def test_own_closed_case_and_a_colleagues_open_one(colleague_case, student, counselor, client_for) -> None:
    earlier = CaseFactory(student=student, counselor=counselor, status=CaseStatus.CLOSED)
    NoteFactory(case=earlier, held_on=datetime.date(2026, 3, 2))
    page = _page(client_for(counselor), student)
    assert "1 contact" in page and _day(2026, 3, 2) in page and _day(2026, 10, 13) not in page
    assert f"has an open case with {colleague_case.counselor.get_full_name()}." in page
    assert INSTITUTION not in page


def test_a_colleagues_closed_case_is_not_shown(student, counselor, other_counselor, client_for) -> None:
    earlier = CaseFactory(student=student, counselor=other_counselor, status=CaseStatus.CLOSED)
    ReferralFactory(case=earlier, institution=INSTITUTION, referred_on=datetime.date(2026, 3, 9))
    page = _page(client_for(counselor), student)
    assert INSTITUTION not in page and other_counselor.get_full_name() not in page


def test_the_head_counselor_keeps_the_full_view(colleague_case, student, head, client_for) -> None:
    page = _page(client_for(head), student)
    assert f"Open case held by {colleague_case.counselor.get_full_name()}." in page
    assert "1 contact" in page and _day(2026, 10, 13) in page
    assert INSTITUTION in page
    assert "has an open case with" not in page
    assert "Counted from the cases you hold" not in page
