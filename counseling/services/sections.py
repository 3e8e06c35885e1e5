"""The parts a report is made of: sections of figures and tables, and the helpers that build them.

Each app presents its own numbers with these, in the ``section`` function of its ``reporting.py``
(see counseling.reports.layout, which puts the sections together). They live in the ground so an
app can use them without importing the reports app, which sits above the apps.

Stored data holds raw codes and ids; labels are looked up when a section is built, in the reader's
language. Every count of people goes into the section's ``Sheet`` (counseling.services.aggregates)
with the relations a reader knows -- a table's column adds up to a figure, an "of which" figure is
at most its whole -- and the tables and figures hold references (``Ref``) to it. ``publish`` then
protects all the sheets of a page or file together and puts the shown values in: a section that
was never published shows every count as hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from counseling.services.aggregates import HIDDEN, Ref, Sheet
from counseling.services.aggregates import publish as publish_cell

# The two columns a report compares: this term (0) and the previous one (1).
TERMS = (0, 1)


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart: bool = False
    # What the counts are, printed under the table when it is not obvious from the title.
    note: str = ""
    # "<section>.<key>", how the chart view finds the table again.
    ref: str = ""
    # The rows as built, with a ``Ref`` for each count: kept by ``publish`` so a check can read
    # which count each shown cell is.
    built: list[list] = field(default_factory=list)


@dataclass
class Section:
    key: str
    title: str
    # (label, this term, previous term); the previous value is None when there is none.
    figures: list[tuple[str, object, object]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    # The counts the figures and tables refer to, and what a reader knows about them.
    sheet: Sheet = field(default_factory=Sheet)
    # The figures as built (with ``Ref``s), kept by ``publish``.
    built_figures: list[tuple[str, object, object]] = field(default_factory=list)

    def shown_cells(self) -> list[tuple[Ref, object]]:
        """Every count of the published section as (the count it is, what is shown)."""
        pairs = []
        for (_label, *refs), (_same, *values) in zip(self.built_figures, self.figures, strict=True):
            pairs += list(zip(refs, values, strict=True))
        for table in self.tables:
            for built, row in zip(table.built, table.rows, strict=True):
                pairs += list(zip(built, row, strict=True))
        return [(ref, value) for ref, value in pairs if isinstance(ref, Ref)]

    def cell(self, name: str, term: int = 0) -> str:
        """The sheet key of count ``name`` for ``term`` (0 this term, 1 the previous one)."""
        return f"{self.key}.{name}@{term}"

    def total(self, whole: str, parts: Iterable[str]) -> None:
        """For both terms: figure ``whole`` is the sum of the counts ``parts``."""
        parts = list(parts)
        for term in TERMS:
            self.sheet.total(self.cell(whole, term), [self.cell(part, term) for part in parts])

    def at_most(self, whole: str, parts: Iterable[str]) -> None:
        """For both terms: the counts ``parts`` add up to no more than figure ``whole``."""
        parts = list(parts)
        for term in TERMS:
            self.sheet.at_most(self.cell(whole, term), [self.cell(part, term) for part in parts])


def choice_label(enum) -> Callable[[object], str]:
    """The label of a stored value of ``enum`` (a Django choices class); "Not given" for none."""
    labels = dict(enum.choices)
    return lambda value: str(labels.get(value, value if value not in (None, "None") else _("Not given")))


def figures(
    section: Section, current: dict, previous: dict | None, rows: list[tuple[str, str]], *, headcount: bool = True
) -> list[tuple[str, object, object]]:
    """``(label, this term, previous term)`` for each ``(key, label)`` of ``rows`` that ``current`` holds.

    Counts (``headcount``) go into the section's sheet under their key and are shown as the
    disclosure rule allows; other numbers are shown as they are.
    """
    result = []
    for key, label in rows:
        if key not in current:
            continue
        values = [current.get(key), previous.get(key) if previous else None]
        if headcount:
            values = [
                section.sheet.count(section.cell(key, term), value) if value is not None else None
                for term, value in zip(TERMS, values, strict=True)
            ]
        result.append((label, values[0], values[1]))
    return result


def measure(
    section: Section, key: str, label: str, current: dict, previous: dict | None, needs: Iterable[str]
) -> tuple[str, object, object] | None:
    """A figure computed from counts (a median time, minutes): shown only where the counts ``needs`` are.

    A median of one escalation's time, or minutes of counseling beside a hidden number of notes,
    would otherwise tell that the hidden count is not zero.
    """
    if key not in current:
        return None
    needs = list(needs)
    values = []
    for term, data in zip(TERMS, [current, previous], strict=True):
        if data is None:
            values.append(None)
            continue
        values.append(
            section.sheet.derived(section.cell(key, term), data.get(key), [section.cell(n, term) for n in needs])
        )
    return (label, values[0], values[1])


def breakdown(
    section: Section,
    key: str,
    title: str,
    current: dict,
    previous: dict | None,
    label: Callable[[object], str] = str,
    *,
    headcount: bool = True,
    chart: bool = True,
    order: Iterable | None = None,
    total: str | None = None,
    each_at_most: str | None = None,
) -> Table | None:
    """A table of group → count for this term (and the previous one).

    ``current`` and ``previous`` are mappings or lists of ``[group, count]`` pairs. The rows are
    every group of ``order`` (the groups' defined order: an enum's values, an instrument's bands),
    empty ones too -- a row that appeared only when it held someone would tell who is there --
    then any other group in the order it was stored in; never in a mapping's order as a database
    kept it.

    A table that counts people (``headcount``) goes into the section's sheet: its column adds up
    to the figure ``total`` when given, or each of its cells is at most the figure
    ``each_at_most`` (a case in several categories counts in each).
    """
    current, previous = as_map(current), (as_map(previous) if previous is not None else None)
    defined = [str(name) for name in order or []]
    if not current and not previous and not defined:
        return None
    stored = list(current) + [name for name in (previous or {}) if name not in current]
    names = defined + [name for name in stored if name not in defined]
    columns = [_("Group"), _("This term")] + ([_("Previous term")] if previous is not None else [])
    terms = [current] + ([previous] if previous is not None else [])
    rows = []
    for name in names:
        row: list = [label(name)]
        for term, data in enumerate(terms):
            value = data.get(name, 0)
            row.append(section.sheet.count(section.cell(f"{key}:{name}", term), value) if headcount else value)
        rows.append(row)
    if headcount:
        parts = [f"{key}:{name}" for name in names]
        if total:
            section.total(total, parts)
        if each_at_most:
            for part in parts:
                section.at_most(each_at_most, [part])
    return Table(key, title, columns, rows, chart=chart and len(rows) <= 24)


def publish(sections: list[Section], *, exact: bool = False, also_hide: Iterable[str] = ()) -> dict[str, object]:
    """Protect the sections' sheets together and put the shown values in their figures and tables (in place).

    Together, because a reader sees the whole page or file: a figure of one section may be the
    total of another's table. Returns the shown value of every key.
    """
    sheet = Sheet()
    for section in sections:
        sheet.extend(section.sheet)
    shown = sheet.protect(exact=exact, also_hide=also_hide)
    for section in sections:
        section.built_figures = list(section.figures)
        section.figures = [
            (label, publish_cell(now, shown), publish_cell(before, shown)) for label, now, before in section.figures
        ]
        for table in section.tables:
            table.built = table.rows
            table.rows = [[publish_cell(cell, shown) for cell in row] for row in table.rows]
    return shown


def is_hidden(value: object) -> bool:
    """Whether a published cell is hidden (or was never published)."""
    return value == HIDDEN or isinstance(value, Ref)


def list_to_map(items: list | None, key: str, value: str) -> dict:
    """A stored list of rows as {row[key]: row[value]}, for ``breakdown``."""
    return {str(item.get(key)): item.get(value, 0) for item in items or []}


def as_map(counts: dict | list | None) -> dict:
    """A breakdown as {group: count}, from a mapping or from a list of ``[group, count]`` pairs."""
    if isinstance(counts, dict):
        return {str(name): value for name, value in counts.items()}
    return {str(pair[0]): pair[1] for pair in counts or [] if isinstance(pair, list | tuple) and len(pair) == 2}
