"""Small-cell suppression that a reader with a solver cannot undo.

The checker (counseling/tests/disclosure_check.py) bounds every hidden cell from what is shown --
totals, "of which" figures, other columns, the previous term's column, shares -- by linear
programming and fails when fewer than five whole values stay possible. It runs over generated
tables full of small counts and over everything the demo school publishes.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archives.models import Screening
from archives.services.aggregates import screening_figures
from campaigns.models import Registration
from campaigns.services.summary import stats as campaign_stats
from campaigns.tests.factories import CampaignFactory, EventFactory
from counseling.cases.enums import RiskLevel
from counseling.cases.tests.factories import CaseFactory
from counseling.cases.views.stats import statistics_section
from counseling.models import ConcernCategory, Term
from counseling.reports import services
from counseling.reports.layout import sections
from counseling.reports.models import SemesterReport
from counseling.services import aggregates
from counseling.services.aggregates import HIDDEN, SMALL_CELL, Ref, Sheet, suppress, suppress_row
from counseling.services.sections import Section
from counseling.tests.disclosure_check import Published, from_sheet, integer_bounds, known, lp_bounds, violations

small_counts = st.one_of(st.integers(0, 4), st.integers(0, 4), st.integers(5, 30))


def grid(counts: list[list[int]], *, rows: bool = True, columns: bool = True) -> Sheet:
    """A table with its row totals, column totals and grand total, all published."""
    sheet = Sheet()
    for r, row in enumerate(counts):
        for c, value in enumerate(row):
            sheet.count(f"{r},{c}", value)
    height, width = len(counts), len(counts[0])
    if rows:
        for r in range(height):
            sheet.count(f"{r},T", sum(counts[r]))
            sheet.total(f"{r},T", [f"{r},{c}" for c in range(width)])
    if columns:
        for c in range(width):
            sheet.count(f"T,{c}", sum(row[c] for row in counts))
            sheet.total(f"T,{c}", [f"{r},{c}" for r in range(height)])
    if rows or columns:
        sheet.count("T,T", sum(map(sum, counts)))
        if rows:
            sheet.total("T,T", [f"{r},T" for r in range(height)])
        if columns:
            sheet.total("T,T", [f"T,{c}" for c in range(width)])
    return sheet


def assert_safe(sheet: Sheet) -> dict:
    shown = sheet.protect()
    for key, value in sheet.values.items():
        assert shown[key] in (value, HIDDEN)
        if value < SMALL_CELL:
            assert shown[key] == HIDDEN, key
    assert violations(from_sheet(shown, sheet)) == []
    return shown


# The rule on generated tables ----------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(2, 5).flatmap(
        lambda h: st.integers(2, 6).flatmap(
            lambda w: st.lists(st.lists(small_counts, min_size=w, max_size=w), min_size=h, max_size=h)
        )
    ),
    st.booleans(),
)
def test_no_hidden_cell_of_a_generated_table_can_be_pinned_down(counts, both_margins) -> None:
    assert_safe(grid(counts, rows=both_margins, columns=True))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=3, max_size=3))
def test_the_linear_bounds_are_the_whole_number_bounds_on_small_tables(counts) -> None:
    sheet = grid([counts], rows=True, columns=False)
    published = from_sheet(sheet.protect(), sheet)
    for key, value in published.shown.items():
        if value == HIDDEN:
            low, high = lp_bounds(published, key)
            top = sum(counts) + 1
            # Unbounded above: the whole-number search reaches its own limit.
            assert (round(low), top if high == float("inf") else round(high)) == integer_bounds(published, key, top=top)


def test_a_lone_count_and_a_row() -> None:
    assert [suppress(n) for n in (0, 1, 4, 5, 37)] == [HIDDEN, HIDDEN, HIDDEN, 5, 37]
    assert suppress(3, exact=True) == 3
    # One small cell: the total would give it back, so its smallest neighbour is hidden too.
    assert suppress_row({"a": 20, "b": 6, "c": 3}) == {"a": 20, "b": HIDDEN, "c": HIDDEN}
    assert suppress_row({"a": 20, "b": 9, "c": 6, "d": 3}) == {"a": 20, "b": 9, "c": HIDDEN, "d": HIDDEN}
    # Two hidden cells adding up to 1 would be pinned to 0..1: a third goes.
    assert suppress_row({"a": 20, "b": 9, "c": 1, "d": 0}) == {"a": 20, "b": HIDDEN, "c": HIDDEN, "d": HIDDEN}
    assert suppress_row({"a": 1, "b": 0}, exact=True) == {"a": 1, "b": 0}


def test_a_row_of_one_reads_like_a_row_of_zero() -> None:
    """Reviewer: "a row appears only when its count is >= 1". Empty groups are cells like the rest."""
    one, zero = Sheet(), Sheet()
    for sheet, value in [(one, 1), (zero, 0)]:
        for key, count in {"face": 12, "phone": 7, "online": value}.items():
            sheet.count(key, count)
        sheet.count("total", 19 + value)
        sheet.total("total", ["face", "phone", "online"])
    shown_one, shown_zero = one.protect(), zero.protect()
    assert shown_one["online"] == shown_zero["online"] == HIDDEN
    assert [k for k, v in shown_one.items() if v == HIDDEN] == [k for k, v in shown_zero.items() if v == HIDDEN]
    assert violations(from_sheet(shown_one, one)) == violations(from_sheet(shown_zero, zero)) == []


def test_seven_invited_and_a_share_give_nothing_away() -> None:
    """Reviewer: 7 invited, "<5" answered, "43 %": the share is computed from published figures only."""
    sheet = Sheet()
    sheet.count("invited", 7)
    sheet.count("answered", 3)
    sheet.at_most("invited", ["answered"])
    sheet.derived("share", "43%", ["invited", "answered"])
    shown = sheet.protect()
    assert (shown["invited"], shown["answered"], shown["share"]) == (7, HIDDEN, HIDDEN)
    published = from_sheet(shown, sheet)
    assert lp_bounds(published, "answered") == (0, 7)
    assert violations(published) == []
    # The checker catches the old page, which printed the share.
    published.derived["share"] = ("43%", ("invited", "answered"))
    assert violations(published) == ["share: shows '43%', computed from hidden ['answered']"]


def test_the_checker_catches_a_total_minus_the_shown_cells() -> None:
    """The old rule hid one small cell and one neighbour; a column total shown as well gave them back."""
    published = Published(
        shown={"a": 20, "b": HIDDEN, "c": HIDDEN, "total": 23},
        relations=[("total", ("a", "b", "c"), True)],
    )
    assert violations(published) == [
        "b: a reader can tell it lies in [0, 3]",
        "c: a reader can tell it lies in [0, 3]",
    ]


# Everything the demo school publishes ---------------------------------------------------------------


def published(parts: list[Section]) -> Published:
    """What published sections show, count by count, and the relations their sheets declare."""
    result = Published()
    sheet = Sheet()
    for section in parts:
        sheet.extend(section.sheet)
        for ref, value in section.shown_cells():
            assert not isinstance(value, Ref), f"{ref.key} was never published"
            if ref.key in section.sheet.values:
                result.shown[ref.key] = value
            else:
                result.derived[ref.key] = (value, section.sheet.derived_values[ref.key][1])
    # A count a reader does not see (none today) is an unknown of the solver like a hidden one.
    for key in sheet.values:
        result.shown.setdefault(key, HIDDEN)
    result.relations = known(sheet.relations, sheet.values)
    return result


@pytest.fixture
def demo_school(db):
    call_command("seed_demo", force=True, stdout=StringIO())


@pytest.mark.django_db
def test_every_report_and_screening_of_the_demo_school_passes_the_checker(demo_school, head) -> None:
    terms = list(Term.objects.order_by("start"))
    assert terms
    checked = 0
    for term in terms:
        report = services.request_report(term, head)
        services.build_report(report.pk)
        # Read back through the JSON column, as the pages and files read it.
        data = SemesterReport.objects.get(pk=report.pk).data
        shown = published(sections(data))
        assert violations(shown) == [], term.name
        for key, value in shown.shown.items():
            assert value == HIDDEN or value >= SMALL_CELL, key
        checked += len(shown.shown)
    assert checked > 50
    # The leaders' screening results of every published screening of the demo school.
    screenings = list(Screening.objects.exclude(published_at=None))
    assert screenings
    for screening in screenings:
        figures = screening_figures(screening, exact=False)
        assert violations(from_sheet(figures.shown, figures.sheet)) == [], screening.title
        assert all(v == HIDDEN or v >= SMALL_CELL for v in figures.shown.values() if not isinstance(v, float))


# /cases/statistics/ ---------------------------------------------------------------------------------


def shown_numbers(page: str) -> list[str]:
    """The figures and table cells of the statistics page, as text."""
    return re.findall(r'<div class="fs-4">([^<]*)</div>', page) + re.findall(r'<td class="text-end">([^<]*)</td>', page)


@pytest.mark.django_db
def test_statistics_show_leaders_no_count_under_five(
    client_for, student, counselor, head, leader, administrator
) -> None:
    """Reviewer: the page showed leaders "自伤风险 1" and "高 1"."""
    category = ConcernCategory.objects.get(code="self_harm")
    case = CaseFactory(student=student, counselor=counselor, risk_level=RiskLevel.HIGH)
    case.categories.add(category)
    for user in (leader, administrator):
        page = client_for(user).get(reverse("cases:statistics")).content.decode()
        numbers = shown_numbers(page)
        assert numbers and HIDDEN in numbers
        assert all(value in (HIDDEN, "—") or int(value) >= SMALL_CELL for value in numbers), numbers
        # Every risk level and category is listed, the empty ones as the one that holds the case.
        assert str(category) in page and page.count(f'<td class="text-end">{HIDDEN}</td>') >= len(RiskLevel.values)
    # The head counselor, who may read every case, sees the one case.
    assert "1" in shown_numbers(client_for(head).get(reverse("cases:statistics")).content.decode())


@pytest.mark.django_db
def test_statistics_of_the_demo_school_pass_the_checker(demo_school) -> None:
    for term in Term.objects.order_by("start"):
        shown = published([statistics_section(term.start, term.end, exact=False)])
        assert violations(shown) == [], term.name
        assert all(value == HIDDEN or value >= SMALL_CELL for value in shown.shown.values())


@pytest.mark.django_db
def test_the_campaign_summary_hides_a_handful_of_registrations(student, other_student) -> None:
    campaign = CampaignFactory()
    event = EventFactory(campaign=campaign, registration_required=True)
    for person in (student, other_student):
        Registration.objects.create(event=event, student=person)
    numbers = campaign_stats(campaign)
    assert (numbers["registrations"], numbers["students"], numbers["students_shown"]) == (HIDDEN, HIDDEN, False)


def test_what_a_sheet_hides_is_worked_out_once_for_the_same_counts(monkeypatch) -> None:
    """The linear programs run once per set of counts; a changed count works it out again."""
    solved = []
    solve = aggregates.linprog

    def counted(*args, **kwargs):
        solved.append(1)
        return solve(*args, **kwargs)

    monkeypatch.setattr(aggregates, "linprog", counted)
    counts = [[3, 9, 12], [8, 2, 7], [11, 6, 1]]
    first = grid(counts).protect()
    runs = len(solved)
    assert runs > 0
    assert grid(counts).protect() == first
    assert len(solved) == runs
    counts[0][0] = 4
    changed = grid(counts).protect()
    assert len(solved) > runs
    assert violations(from_sheet(changed, grid(counts))) == []
