"""Turning a report's stored aggregates into sections of figures, tables and charts.

The same sections feed the HTML page, the PDF and the spreadsheet, so the three always agree.
Cells that count students in a group smaller than five are shown as "<5".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from counseling.reports import labels

SMALL_CELL = 5


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart: bool = False
    # "<section>.<key>", how the chart view finds the table again.
    ref: str = ""


@dataclass
class Section:
    key: str
    title: str
    figures: list[tuple[str, object, object]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


SECTION_TITLES = {
    "appointments": gettext_lazy("Appointments and consultations"),
    "cases": gettext_lazy("Case work, referrals and crises"),
    "archives": gettext_lazy("Screenings, early warning and the focus list"),
    "campaigns": gettext_lazy("Awareness campaigns"),
}


def suppress(value: object, key: str = "") -> object:
    """Show a count of 1 to 4 people as "<5" so no small group can be singled out."""
    if labels.is_not_a_headcount(key):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < SMALL_CELL:
        return "<5"
    return value


def _is_scalar(value: object) -> bool:
    return value is None or isinstance(value, int | float | str | bool)


def _table_from_mapping(key: str, mapping: dict, previous: dict | None) -> Table:
    inner = list(mapping.values())
    if all(_is_scalar(v) for v in inner):
        columns = [labels.column(key), _("This term")]
        if previous is not None:
            columns.append(_("Previous term"))
        rows = []
        for name, value in mapping.items():
            row = [labels.value_label(key, name), suppress(value, key)]
            if previous is not None:
                row.append(suppress(previous.get(name, 0), key))
            rows.append(row)
        numeric = all(isinstance(v, int | float) for v in inner) and 0 < len(inner) <= 24
        return Table(key, labels.title(key), columns, rows, chart=numeric)
    inner_keys: list[str] = []
    for value in inner:
        if isinstance(value, dict):
            for inner_key in value:
                if inner_key not in inner_keys:
                    inner_keys.append(inner_key)
    columns = [labels.column(key)] + [labels.value_label(key, k) for k in inner_keys]
    rows = [
        [labels.value_label(key, name)]
        + [suppress(value.get(k, 0), key) if isinstance(value, dict) else "" for k in inner_keys]
        for name, value in mapping.items()
    ]
    return Table(key, labels.title(key), columns, rows)


def _table_from_list(key: str, items: list) -> Table:
    if items and all(isinstance(item, dict) for item in items):
        keys: list[str] = []
        for item in items:
            for item_key in item:
                if item_key not in keys:
                    keys.append(item_key)
        rows = [[suppress(item.get(k, ""), k) for k in keys] for item in items]
        return Table(key, labels.title(key), [labels.title(k) for k in keys], rows)
    return Table(key, labels.title(key), [labels.title(key)], [[item] for item in items])


def sections(data: dict) -> list[Section]:
    result = []
    for app, summary in (data.get("current") or {}).items():
        previous_summary = (data.get("previous") or {}).get(app)
        section = Section(app, str(SECTION_TITLES.get(app, app)))
        for key, value in summary.items():
            previous = previous_summary.get(key) if isinstance(previous_summary, dict) else None
            if _is_scalar(value):
                section.figures.append((labels.title(key), value, previous if _is_scalar(previous) else None))
            elif isinstance(value, dict):
                if value:
                    section.tables.append(
                        _table_from_mapping(key, value, previous if isinstance(previous, dict) else None)
                    )
            elif isinstance(value, list) and value:
                section.tables.append(_table_from_list(key, value))
        for table in section.tables:
            table.ref = f"{app}.{table.key}"
        result.append(section)
    return result


def find_table(data: dict, key: str) -> Table | None:
    for section in sections(data):
        for table in section.tables:
            if table.ref == key:
                return table
    return None
