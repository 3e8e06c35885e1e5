"""One date format per language (issue 16, item 12).

The formats live in ``counseling/formats/<language>/formats.py``. Templates and Python name them;
a pattern spelt out in a template or in product code (``|date:"m-d"``, ``strftime("%Y-%m-%d")``)
is a second way of writing a date and fails here, but for the few machine formats below.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from appointments.tests.factories import AppointmentFactory

ROOT = Path(settings.BASE_DIR)
NAMED = {
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
}
# Not a way of writing a date: the name of the weekday next to a named date (templates and Python).
WEEKDAY = {"D", "l"}
# A date a machine reads, never a person: a link's ?date= or a form's value is ISO 8601 in every
# language (appointments/tests/test_iso_dates.py).
MACHINE_ATTRIBUTE = re.compile(r'(href|value|min|max|datetime|data-[\w-]+)="[^"]*$')
# Template, pattern -> why it may spell a pattern of its own.
TEMPLATE_EXCEPTIONS = {
    ("counseling/cases/templates/cases/case_audit.html", "Y-m-d H:i:s"): (
        "the audit trail lists entries to the second, as verify_audit and the audit export write them"
    ),
}
# Product files that may format a date by hand, and why.
PYTHON_EXCEPTIONS = {
    "archives/models/focus.py": "__str__ for the shell and the Django admin, not a page",
    "appointments/models/appointment.py": "__str__ for the shell and the Django admin",
    "appointments/models/groups.py": "__str__ for the shell and the Django admin",
    "appointments/models/hours.py": "__str__ for the shell and the Django admin",
    "appointments/models/waitlist.py": "__str__ for the shell and the Django admin",
    "counseling/models/audit.py": "__str__ for the shell and the Django admin",
    "counseling/models/ops.py": "__str__ for the shell and the Django admin",
    "counseling/schoolyear/models/exports.py": "__str__ for the shell and the Django admin",
    "counseling/schoolyear/models/retention.py": "__str__ for the shell and the Django admin",
    # Files a machine or an archive reads (a student's data request, the retention log): ISO 8601.
    "appointments/export.py": "data-request file",
    "archives/export.py": "data-request file",
    "campaigns/export.py": "data-request file",
    "counseling/export.py": "data-request file",
    "counseling/cases/export.py": "data-request file",
    "counseling/schoolyear/export.py": "data-request file",
    "appointments/retention.py": "retention log line",
    "archives/retention.py": "retention log line",
    "campaigns/retention.py": "retention log line",
    "counseling/retention.py": "retention log line",
    "counseling/cases/retention.py": "retention log line",
    "counseling/schoolyear/retention.py": "retention log line",
}
# Machine patterns: slot keys, calendar stamps, storage paths and file names.
MACHINE_PATTERNS = ("%Y-%m-%dT%H:%M", "%Y%m%dT%H%M", "%Y/%m", "%Y%m%d-%H%M")
TEMPLATE_FILTER = re.compile(r"""\|(date|time):\s*(["'])(.*?)\2""")
# strftime, an f-string date pattern, date_format with a pattern, or an ISO date put into a
# translated message ("... on %(day)s" % {"day": day.isoformat()}).
PYTHON_PATTERN = re.compile(
    r"""strftime\(|\{[^{}\n]*:%[a-zA-Z][^{}\n]*\}|date_format\([^)\n]*,\s*["'](?![A-Z_]+["']|[lD]["'])"""
    r"""|%\s*\{[^}\n]*\.isoformat\(\)"""
)


def product_files(suffixes: tuple[str, ...]) -> list[Path]:
    skip = {".venv", "node_modules", "migrations", "tests", "benchmarks", "static"}
    return sorted(
        path
        for path in ROOT.rglob("*")
        if path.suffix in suffixes and not skip & set(path.relative_to(ROOT).parts) and path.is_file()
    )


def ad_hoc_template_formats(relative: str, text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in TEMPLATE_FILTER.finditer(line):
            pattern = match.group(3)
            if pattern in NAMED or pattern in WEEKDAY or (relative, pattern) in TEMPLATE_EXCEPTIONS:
                continue
            if pattern == "Y-m-d" and MACHINE_ATTRIBUTE.search(line[: match.start()]):
                continue
            found.append(f"{relative}:{number}: |{match.group(1)}:{match.group(2)}{pattern}{match.group(2)}")
    return found


def test_templates_name_their_date_formats() -> None:
    templates = [p for p in product_files((".html", ".txt")) if "templates" in p.parts]
    assert len(templates) > 100
    found = [
        problem
        for path in templates
        for problem in ad_hoc_template_formats(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_product_code_names_its_date_formats() -> None:
    found = []
    for path in product_files((".py",)):
        relative = str(path.relative_to(ROOT))
        if relative in PYTHON_EXCEPTIONS or relative.startswith("counseling/formats/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if PYTHON_PATTERN.search(line) and not any(pattern in line for pattern in MACHINE_PATTERNS):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []


def test_the_checks_bite() -> None:
    page = (
        '<a href="?date={{ day|date:"Y-m-d" }}">{{ day|date:"l" }} {{ day|date:"SHORT_DATE_FORMAT" }}</a>\n'
        '<p>{{ day|date:"Y-m-d" }} {{ day|date:"m-d H:i" }}</p>\n'
    )
    assert ad_hoc_template_formats("page.html", page) == ['page.html:2: |date:"Y-m-d"', 'page.html:2: |date:"m-d H:i"']
    assert PYTHON_PATTERN.search('f"{day:%Y-%m-%d}"')
    assert PYTHON_PATTERN.search('moment.strftime("%Y-%m-%d %H:%M")')
    assert PYTHON_PATTERN.search('formats.date_format(day, "Y-m-d")')
    assert PYTHON_PATTERN.search('_("Closed on %(day)s.") % {"day": day.isoformat()}')
    assert not PYTHON_PATTERN.search('formats.date_format(day, "SHORT_DATE_FORMAT")')
    assert not PYTHON_PATTERN.search('date_format(day, "l")')  # the weekday's name, as WEEKDAY allows
    assert PYTHON_PATTERN.search('date_format(day, "l j")')
    assert not PYTHON_PATTERN.search('key = f"digest:{user.pk}:{day.isoformat()}"')


@pytest.mark.parametrize(
    ("language", "date", "datetime_", "month_day"),
    [
        ("zh-hans", "2026年12月7日", "2026年12月7日 17:25", "12月7日"),
        ("en", "7 Dec 2026", "7 Dec 2026, 17:25", "7 Dec"),
    ],
)
def test_each_language_has_one_date_format(language, date, datetime_, month_day) -> None:
    moment = timezone.make_aware(datetime.datetime(2026, 12, 7, 17, 25))
    with translation.override(language):
        assert formats.date_format(moment.date(), "DATE_FORMAT") == date
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == date
        assert formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") == datetime_
        assert formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") == datetime_
        assert formats.date_format(moment.date(), "MONTH_DAY_FORMAT") == month_day


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [("zh-hans", "2026年12月7日", "7 Dec 2026"), ("en", "7 Dec 2026", "2026年12月7日")],
)
def test_a_page_shows_the_date_in_its_language_format(language, shown, not_shown, counselor, student) -> None:
    appointment = AppointmentFactory(
        student=student,
        counselor=counselor,
        starts_at=timezone.make_aware(datetime.datetime(2026, 12, 7, 17, 25)),
        ends_at=timezone.make_aware(datetime.datetime(2026, 12, 7, 17, 55)),
    )
    client = Client(headers={"accept-language": language})
    client.force_login(counselor, backend="counseling.backends.PasswordBackend")
    page = client.get(reverse("appointments:detail", args=[appointment.pk])).content.decode()
    assert shown in page
    assert not_shown not in page
    assert "2026-12-07</" not in page  # the link back to the agenda keeps ISO, no text shows it
    assert "?date=2026-12-07" in page
