"""Putting a report together: its sections of figures, tables and charts, in order.

The same sections feed the HTML page, the PDF and the spreadsheet, so the three always agree.

Each app presents its own numbers, in its ``reporting.py`` hook module (services.reporting_apps
finds them with counseling.hooks.app_hooks), which defines:

- ``summary(start: datetime.date, end: datetime.date) -> dict``: the app's numbers for a period,
  counts only, stored with each version of the report (services.collect);
- ``section(current: dict, previous: dict | None) -> Section``: how the report shows them.
  ``current`` is the stored summary of the report's term, ``previous`` that of the term before,
  or None when there is none. Labels are looked up then, at render time, in the reader's
  language. Every count goes into the section's sheet with the relations a reader knows, and
  ``sections`` publishes all sections together under the disclosure rule
  (counseling.services.aggregates): small counts, and counts from which one could be worked
  out, show as "*". The building blocks (Section, Table, figures, breakdown, measure, ...) are
  in counseling.services.sections.

This module knows no app: it asks each for its section, in SECTION_ORDER, and adds the section
that is the report's own, the counselors' workload, which puts two apps' numbers side by side.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from counseling.models import User
from counseling.reports.services import reporting_apps, restore
from counseling.services.aggregates import Sheet
from counseling.services.sections import Section, Table, list_to_map, publish

# The order of the apps' sections in the report, by the key of their numbers in the stored data;
# an app not listed here comes after these, in the order of settings.LOCAL_APPS.
SECTION_ORDER = ["appointments", "cases", "archives", "campaigns"]


def _position(label: str) -> int:
    return SECTION_ORDER.index(label) if label in SECTION_ORDER else len(SECTION_ORDER)


def _user_names(ids: set) -> dict[str, str]:
    wanted = [int(i) for i in ids if str(i).isdecimal()]
    return {str(u.pk): u.get_full_name() for u in User.objects.filter(pk__in=wanted)}


def _workload(data: dict) -> Section | None:
    """Each counselor's work this term (服务量化): sessions held and notes written.

    Its columns add up to the sessions and notes of the appointments and cases sections, so its
    counts are cells of the same sheet (``sections.publish`` protects the sections together).
    """
    appointments = (data.get("current") or {}).get("appointments") or {}
    cases = (data.get("current") or {}).get("cases") or {}
    sessions = list_to_map(appointments.get("sessions_by_counselor"), "counselor_id", "sessions")
    notes = {str(k): v for k, v in (cases.get("notes_by_counselor") or {}).items()}
    if not sessions and not notes:
        return None
    names = _user_names(set(sessions) | set(notes))
    ids = sorted(set(sessions) | set(notes), key=lambda i: names.get(i, i))
    section = Section("workload", _("Counselors' workload"))
    sheet = section.sheet
    rows = [
        [
            names.get(i, "—"),
            sheet.count(section.cell(f"sessions:{i}"), sessions.get(i, 0)),
            sheet.count(section.cell(f"notes:{i}"), notes.get(i, 0)),
        ]
        for i in ids
    ]
    if "sessions" in appointments:
        sheet.total("appointments.sessions@0", [section.cell(f"sessions:{i}") for i in ids])
    if "notes" in cases:
        sheet.total("cases.notes@0", [section.cell(f"notes:{i}") for i in ids])
    section.tables.append(
        Table("by_counselor", _("Sessions and notes per counselor"), [_("Counselor"), _("Sessions"), _("Notes")], rows)
    )
    return section


def _assemble(data: dict) -> list[Section]:
    """Every section of the report from its (restored) ``data``, not yet published."""
    current = data.get("current") or {}
    previous = data.get("previous") or {}
    result = [
        module.section(current[label], previous.get(label) or None)
        for label, module in sorted(reporting_apps(), key=lambda pair: _position(pair[0]))
        if label in current
    ]
    workload = _workload(data)
    if workload is not None:
        result.append(workload)
    return result


def sections(data: dict) -> list[Section]:
    """The report's sections from its stored ``data``: each app's whose numbers it holds, then the workload.

    Published under the disclosure rule (counseling.services.aggregates) all together, as one
    reader sees them. The previous term's column hides at least what that term's own report hid:
    its numbers are protected as they were then (the sheet of that term alone), so reading both
    reports side by side gives nothing more than either.
    """
    data = restore(data)
    result = _assemble(data)
    if data.get("previous"):
        before = publish_quietly(_assemble({"current": data["previous"], "previous": {}}))
        hidden_before = [key[:-2] + "@1" for key in before if key.endswith("@0")]
    else:
        hidden_before = []
    publish(result, also_hide=hidden_before)
    for section in result:
        for table in section.tables:
            table.ref = f"{section.key}.{table.key}"
    return result


def publish_quietly(parts: list[Section]) -> set[str]:
    """The keys the disclosure rule hides in ``parts`` (the sections are not changed)."""
    sheet = Sheet()
    for section in parts:
        sheet.extend(section.sheet)
    return sheet.hidden_after_protect()


def find_table(data: dict, ref: str) -> Table | None:
    for section in sections(data):
        for table in section.tables:
            if table.ref == ref:
                return table
    return None
