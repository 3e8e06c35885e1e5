"""The demo school agrees with itself on whatever day it is seeded (issue 16, item 5).

``manage.py seed_demo`` dates everything from today. Seeded on a few days of the year, every
critical screening answer has started the crisis path, and every title that names a holiday, a
season, a month, a term position or the "5·25" day lies where that name says.
"""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from appointments.models import GroupSession
from archives.models import ReportingWindow, Result, Screening
from campaigns.models import Campaign
from counseling.cases.enums import Severity, SignalReason
from counseling.cases.models import RiskSignal
from counseling.models import Term

pytestmark = pytest.mark.django_db

# Seeded just before the National Day holiday, on the day this was written, and in June.
SEED_DAYS = [datetime.date(2026, 9, 25), datetime.date(2026, 12, 3), datetime.date(2027, 6, 12)]

# A word in a title -> the months the record's dates may fall in.
MONTHS_OF = {
    "国庆": {9, 10},
    "元旦": {12, 1},
    "清明": {3, 4},
    "劳动节": {4, 5},
    "五一": {4, 5},
    "寒假": {12, 1, 2},
    "暑假": {6, 7, 8},
    "春季": {2, 3, 4, 5, 6},
    "夏季": {5, 6, 7, 8, 9},
    "秋季": {8, 9, 10, 11, 12},
    "冬季": {11, 12, 1, 2, 3},
}


def seed_on(day: datetime.date, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    morning = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    with time_machine.travel(morning):
        call_command("seed_demo", force=True, stdout=StringIO())


def dated_titles() -> list[tuple[str, datetime.date, datetime.date]]:
    """Every demo title a reader sees next to dates: (title, first day, last day)."""
    local = timezone.localdate
    rows = [(s.title, local(s.opens_at), local(s.closes_at)) for s in Screening.objects.all()]
    rows += [(w.title, w.opens_on, w.closes_on) for w in ReportingWindow.objects.all()]
    rows += [(c.title, c.start_date, c.end_date) for c in Campaign.objects.all()]
    rows += [(g.title, local(g.starts_at), local(g.ends_at)) for g in GroupSession.objects.all()]
    return rows


def days_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def contradictions(title: str, first: datetime.date, last: datetime.date) -> list[str]:
    """What the title says that its dates deny (empty when they agree)."""
    days = days_between(first, last)
    months = {day.month for day in days}
    found = []
    for word, plausible in MONTHS_OF.items():
        if word in title and not months & plausible:
            found.append(f"{word} in {sorted(months)}")
    for month in re.findall(r"(?<!\d)(\d{1,2})月", title):
        if int(month) not in months:
            found.append(f"{month}月 in {sorted(months)}")
    for year in re.findall(r"(20\d\d)年", title):
        if int(year) not in {day.year for day in days}:
            found.append(f"{year}年 from {first} to {last}")
    if "5·25" in title and not any(
        datetime.date(day.year, 5, 11) <= day <= datetime.date(day.year, 6, 8) for day in days
    ):
        found.append(f"5·25 from {first} to {last}")
    if "期中" in title or "期末" in title or "入学" in title or "新生" in title:
        term = Term.objects.filter(start__lte=last, end__gte=first).first()
        if term is None:
            found.append(f"a term position outside every term ({first})")
        else:
            length = (term.end - term.start).days
            position = (first - term.start).days / length
            if "期中" in title and not 0.3 <= position <= 0.7:
                found.append(f"期中 at {position:.0%} of the term")
            if "期末" in title and position < 0.7:
                found.append(f"期末 at {position:.0%} of the term")
            if ("入学" in title or "新生" in title) and (term.semester != 1 or (first - term.start).days > 56):
                found.append(f"入学 on {first}, {term.name}")
    return found


@pytest.mark.parametrize("day", SEED_DAYS, ids=str)
def test_the_demo_agrees_with_itself(day, settings, tmp_path) -> None:
    seed_on(day, settings, tmp_path)

    # Every critical answer started the crisis path when it was given: a crisis signal with its
    # escalation, about that student.
    critical = list(Result.objects.filter(is_critical=True).select_related("submission"))
    assert len(critical) >= 2
    for result in critical:
        submission = result.submission
        signals = RiskSignal.objects.filter(
            student_id=submission.student_id, reason=SignalReason.CRITICAL_ITEM, severity=Severity.CRISIS
        ).filter(
            raised_at__gte=submission.submitted_at - datetime.timedelta(minutes=1),
            raised_at__lte=submission.submitted_at + datetime.timedelta(days=1),
        )
        assert signals.exists(), (submission.screening.title, submission.submitted_at)
        for signal in signals:
            assert signal.escalation is not None and signal.escalation.student_id == submission.student_id

    # Names agree with dates.
    rows = dated_titles()
    problems = {title: found for title, first, last in rows if (found := contradictions(title, first, last))}
    assert problems == {}
    named_by_date = [t for t, _f, _l in rows if re.search(r"\d月|20\d\d年|节前|5·25", t)]
    assert len(named_by_date) >= 4, named_by_date

    # The 5·25 week was held in May (this year's or last year's), and is over.
    week = Campaign.objects.get(title__contains="5·25")
    assert (week.start_date.month, week.end_date < day) == (5, True)
    assert day - week.start_date < datetime.timedelta(days=400)


def test_the_rules_catch_what_issue_16_found() -> None:
    """The checks above bite: the titles the demo had in November 2026 fail them."""
    november = datetime.date(2026, 11, 6), datetime.date(2026, 11, 12)
    assert contradictions("秋季“5·25”心理健康活动周", *november) == ["5·25 from 2026-11-06 to 2026-11-12"]
    assert contradictions("国庆节前心理问题零报告", datetime.date(2026, 11, 3), datetime.date(2026, 11, 6))
    assert contradictions("寒假前心理健康教育活动月", datetime.date(2027, 4, 1), datetime.date(2027, 4, 30))
    assert contradictions("2026年“5·25”心理健康活动周", datetime.date(2026, 5, 25), datetime.date(2026, 5, 31)) == []


def test_seeding_again_on_a_later_day_adds_nothing(settings, tmp_path) -> None:
    seed_on(datetime.date(2026, 12, 3), settings, tmp_path)
    before = (Screening.objects.count(), ReportingWindow.objects.count(), Campaign.objects.count())
    out = StringIO()
    with time_machine.travel(timezone.make_aware(datetime.datetime(2027, 1, 20, 10, 0))):
        call_command("seed_demo", force=True, stdout=out)
    assert "already here" in out.getvalue()
    assert (Screening.objects.count(), ReportingWindow.objects.count(), Campaign.objects.count()) == before
