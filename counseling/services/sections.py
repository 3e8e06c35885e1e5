"""The parts a report is made of: sections of figures and tables, and the helpers that build them.

Each app presents its own numbers with these, in the ``section`` function of its ``reporting.py``
(see counseling.reports.layout, which puts the sections together). They live in the ground so an
app can use them without importing the reports app, which sits above the apps.

Stored data holds raw codes and ids; labels are looked up when a section is built, in the reader's
language. Any cell that counts students in a group smaller than five is shown as "<5"
(counseling.services.aggregates).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from counseling.services.aggregates import suppress_row


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
    # (label, this term, previous term); the previous value is None when there is none.
    figures: list[tuple[str, object, object]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def choice_label(enum) -> Callable[[object], str]:
    """The label of a stored value of ``enum`` (a Django choices class); "Not given" for none."""
    labels = dict(enum.choices)
    return lambda value: str(labels.get(value, value if value not in (None, "None") else _("Not given")))


def figures(current: dict, previous: dict | None, rows: list[tuple[str, str]]) -> list[tuple[str, object, object]]:
    """``(label, this term, previous term)`` for each ``(key, label)`` of ``rows`` that ``current`` holds."""
    return [(label, current.get(key), previous.get(key) if previous else None) for key, label in rows if key in current]


def breakdown(
    key: str,
    title: str,
    current: dict,
    previous: dict | None,
    label: Callable[[object], str] = str,
    *,
    headcount: bool = True,
    chart: bool = True,
    order: Iterable | None = None,
) -> Table | None:
    """A table of group → count for this term (and the previous one).

    ``current`` and ``previous`` are mappings or lists of ``[group, count]`` pairs. The rows come
    in ``order`` (the groups' defined order: an enum's values, an instrument's bands), then any
    other group in the order it was stored in; never in a mapping's order as a database kept it.

    A table that counts people is suppressed column by column with complementary suppression,
    because the column's total is shown among the section's figures.
    """
    current, previous = as_map(current), (as_map(previous) if previous is not None else None)
    if not current and not previous:
        return None
    stored = list(current) + [name for name in (previous or {}) if name not in current]
    defined = [str(name) for name in order or []]
    names = [name for name in defined if name in stored] + [name for name in stored if name not in defined]
    columns = [_("Group"), _("This term")] + ([_("Previous term")] if previous is not None else [])
    shown = [{name: current.get(name, 0) for name in names}]
    if previous is not None:
        shown.append({name: previous.get(name, 0) for name in names})
    if headcount:
        shown = [suppress_row(column) for column in shown]
    rows = [[label(name)] + [column[name] for column in shown] for name in names]
    return Table(key, title, columns, rows, chart=chart and len(rows) <= 24)


def list_to_map(items: list | None, key: str, value: str) -> dict:
    """A stored list of rows as {row[key]: row[value]}, for ``breakdown``."""
    return {str(item.get(key)): item.get(value, 0) for item in items or []}


def as_map(counts: dict | list | None) -> dict:
    """A breakdown as {group: count}, from a mapping or from a list of ``[group, count]`` pairs."""
    if isinstance(counts, dict):
        return {str(name): value for name, value in counts.items()}
    return {str(pair[0]): pair[1] for pair in counts or [] if isinstance(pair, list | tuple) and len(pair) == 2}
