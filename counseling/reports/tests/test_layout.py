"""How the report is put together from each app's ``reporting.section`` hook."""

from __future__ import annotations

import pytest
from django.utils import translation

from counseling.reports.layout import find_table, sections
from counseling.services.aggregates import HIDDEN


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
    current = {
        "sessions": 12,
        "sessions_by_channel": {"phone": 7, "online": 5},
        "sessions_by_topic": [{"topic_code": None, "sessions": 12}],
        "sessions_by_grade": [{"grade": None, "sessions": 12}],
        "appointments_by_status": {"attended": 12},
    }
    alone = {"current": {"appointments": current}, "previous": {}}
    compared = {
        "current": {"appointments": current},
        "previous": {"appointments": {"sessions_by_channel": {"phone": 9}}},
    }
    with translation.override("en"):
        # Every channel is listed; the two empty ones are hidden, and with them online (5), since
        # two hidden cells adding up to 0 beside a shown total of 12 would be known to be 0.
        assert find_table(alone, "appointments.sessions_by_channel").rows == [
            ["Face to face", HIDDEN],
            ["Phone", 7],
            ["Online", HIDDEN],
            ["Letter", HIDDEN],
        ]
        table = find_table(compared, "appointments.sessions_by_channel")
        (section,) = sections(compared)
    assert table.columns == ["Group", "This term", "Previous term"]
    # The previous term has no total of sessions: its empty groups are hidden, its 9 is shown.
    assert table.rows == [
        ["Face to face", HIDDEN, HIDDEN],
        ["Phone", 7, 9],
        ["Online", HIDDEN, HIDDEN],
        ["Letter", HIDDEN, HIDDEN],
    ]
    assert section.figures[0] == ("Individual sessions held", 12, None)
