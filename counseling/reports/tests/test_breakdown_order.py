"""Breakdowns keep their defined order (bands in the instrument's order, enums in theirs).

PostgreSQL's jsonb keeps no key order: it sorts keys by length, then bytes. PHQ-9's bands
"minimal" (最轻) and "mild" come back as {"mild", "minimal"}, so a report read from the JSON column
listed the bands scrambled unless their order is stored and used.
"""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from archives.models import Invitation
from archives.services import screenings
from archives.tests.factories import builtin, gad7_answers, phq9_answers, published
from counseling.reports import services
from counseling.reports.layout import find_table
from counseling.reports.models import ReportStatus, SemesterReport

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's jsonb")


def _english(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user, backend="counseling.backends.PasswordBackend")
    return client


def _band_labels(instrument, codes: list[str]) -> list[str]:
    with translation.override("en"):
        return [instrument.band_label(code) for code in codes]


def _xlsx_rows_after(content: bytes, title: str) -> list[str]:
    """The first cells of the table titled ``title`` in the spreadsheet, up to the blank line after it."""
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        cells = [row[0] for row in sheet.iter_rows(values_only=True)]
        if title in cells:
            rows = cells[cells.index(title) + 2 :]
            return rows[: rows.index(None)] if None in rows else rows
    raise AssertionError(f"no table {title!r}")


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db
def test_bands_come_out_in_the_instruments_order_on_postgresql(
    term, head, school_class, other_class, student, other_student, counselor
) -> None:
    phq9, gad7 = builtin("phq9"), builtin("gad7")
    screening = published([phq9, gad7], [school_class, other_class], by=counselor, title="初一心理普查")
    # PHQ-9 3 is "minimal", 7 is "mild": jsonb would store them as {"mild", "minimal"}.
    for who, total in ((student, 3), (other_student, 7)):
        screenings.submit(
            Invitation.objects.get(screening=screening, student=who),
            {"phq9": phq9_answers(total), "gad7": gad7_answers(0)},
        )
    report = services.request_report(term, head)
    services.build_report(report.pk)
    report.refresh_from_db()
    assert list(report.data["current"]["archives"]["students_by_band"]["phq9"])[:2] == [
        "mild",
        "minimal",
    ]  # as jsonb keeps it
    # Every band is listed, empty ones too, in the instrument's order.
    expected = _band_labels(phq9, [band["code"] for band in phq9.bands])
    assert expected[:2] == _band_labels(phq9, ["minimal", "mild"])

    with translation.override("en"):
        table = find_table(report.data, "archives.students_by_band_phq9")
    assert [row[0] for row in table.rows] == expected

    client = _english(head)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    start = page.index("Students by their latest result: PHQ-9")
    assert page.index(expected[0], start) < page.index(expected[1], start)

    xlsx = client.get(reverse("reports:xlsx", args=[report.pk])).getvalue()
    assert _xlsx_rows_after(xlsx, "Students by their latest result: PHQ-9") == expected


@pytest.mark.django_db
def test_an_older_version_stored_as_plain_mappings_still_renders_in_order(term, head) -> None:
    phq9 = builtin("phq9")
    # A version built before the order was stored, read back from jsonb: keys sorted by length.
    scrambled = {"mild": 86, "severe": 7, "minimal": 145, "moderate": 30, "moderately_severe": 12}
    report = SemesterReport.objects.create(
        term=term,
        version=1,
        status=ReportStatus.DRAFT,
        data={
            "term": {"name": term.name},
            "current": {"archives": {"bands": {"phq9": scrambled}, "warnings": {}, "coverage": {}, "focus": {}}},
            "previous": {},
        },
    )
    codes = ["minimal", "mild", "moderate", "moderately_severe", "severe"]
    with translation.override("en"):
        table = find_table(report.data, "archives.bands_phq9")
    assert [row[0] for row in table.rows] == _band_labels(phq9, codes)
    assert [row[1] for row in table.rows] == [145, 86, 30, 12, 7]
    xlsx = _english(head).get(reverse("reports:xlsx", args=[report.pk])).getvalue()
    # Such a version counted answer sheets, and its title says so.
    assert _xlsx_rows_after(xlsx, "Answer sheets by result: PHQ-9") == _band_labels(phq9, codes)


def test_the_stored_order_survives_a_store_that_sorts_keys() -> None:
    stored = services.jsonable({"bands": {"phq9": {"minimal": 1, "mild": 2, "severe": 3}}})

    # What jsonb does: keys by length, then bytes.
    def jsonb(value):
        if isinstance(value, dict):
            return {key: jsonb(value[key]) for key in sorted(value, key=lambda k: (len(k.encode()), k.encode()))}
        return value

    assert list(services.restore(jsonb(stored))["bands"]["phq9"].items()) == [
        ("minimal", 1),
        ("mild", 2),
        ("severe", 3),
    ]
