"""How the report is put together from each app's ``reporting.section`` hook."""

from __future__ import annotations

import pytest
from django.utils import translation

from counseling.reports.layout import find_table, sections


@pytest.mark.django_db
def test_the_apps_sections_come_in_the_reports_order_then_the_workload() -> None:
    # Stored in another order (the order of settings.LOCAL_APPS at build time): the report's stays.
    data = {
        "current": {
            "campaigns": {},
            "archives": {},
            "cases": {"notes_by_counselor": {"1": 3}},
            "appointments": {},
        },
        "previous": {},
    }
    assert [section.key for section in sections(data)] == ["appointments", "cases", "archives", "campaigns", "workload"]


@pytest.mark.django_db
def test_an_app_without_stored_numbers_has_no_section() -> None:
    data = {"current": {"cases": {"cases_opened": 2}}, "previous": {}}
    assert [section.key for section in sections(data)] == ["cases"]


@pytest.mark.django_db
def test_a_previous_column_only_when_the_previous_term_has_numbers() -> None:
    current = {"sessions": 12, "sessions_by_channel": {"phone": 7, "online": 5}}
    alone = {"current": {"appointments": current}, "previous": {}}
    compared = {
        "current": {"appointments": current},
        "previous": {"appointments": {"sessions_by_channel": {"phone": 9}}},
    }
    with translation.override("en"):
        assert find_table(alone, "appointments.sessions_by_channel").rows == [["Phone", 7], ["Online", 5]]
        table = find_table(compared, "appointments.sessions_by_channel")
        (section,) = sections(compared)
    assert table.columns == ["Group", "This term", "Previous term"]
    # The previous term's one group under five is hidden, and so is its smallest neighbour.
    assert table.rows == [["Phone", 7, "—"], ["Online", 5, "<5"]]
    assert section.figures[0] == ("Individual sessions held", 12, None)
