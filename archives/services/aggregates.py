"""Aggregate figures for screenings, under the disclosure rule (counseling.services.aggregates).

The results page shows, for leaders and administrators, completion (invited, answered, opted
out) and band counts by class, by grade and for the whole screening. A reader can add classes up
to their grade, bands up to a row's total, and knows answered + opted out <= invited: every
count goes into one ``Sheet`` with those relations, so hiding a small class cannot be undone by
taking the shown classes from the grade. Shares (the bars) are shown only where both counts are.

Counselors see exact figures (``exact=True``): they may see the students' own results anyway.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery

from archives.models import (
    Instrument,
    Invitation,
    InvitationStatus,
    Result,
    Screening,
    ScreeningInstrument,
    ScreeningWarning,
)
from archives.texts import localized
from counseling import prepared
from counseling.models import SchoolClass

# Re-exported: archives' views and tests use the rule through this module.
from counseling.services.aggregates import HIDDEN, SMALL_CELL, SUPPRESSED, Relation, Sheet, suppress, suppress_row  # noqa: F401

from .screenings import opted_out_filter


@dataclass
class BandColumn:
    code: str
    label: str
    level: int


@dataclass
class Row:
    """One group (a grade or a class) of one instrument: counts per band, and the total."""

    label: str
    counts: dict[str, int | str]
    total: int | str
    # Exact shares (0..1) per band for the chart; None for a hidden cell.
    shares: dict[str, float | None] = field(default_factory=dict)

    @property
    def cells(self) -> list[int | str]:
        """The counts in band order, for a table row."""
        return list(self.counts.values())


@dataclass
class InstrumentTable:
    instrument: Instrument
    bands: list[BandColumn]
    grades: list[Row]
    classes: list[Row]
    school: Row


@dataclass
class CompletionRow:
    label: str
    invited: int | str
    answered: int | str
    share: float | None
    # Not answered because the guardian opted the student out (counted apart).
    opted_out: int | str = 0


@dataclass
class ScreeningFigures:
    completion_grades: list[CompletionRow]
    completion_classes: list[CompletionRow]
    completion_school: CompletionRow
    instruments: list[InstrumentTable]
    critical: int | str
    warnings: int | str
    # The counts behind the page and what a reader knows about them, and what is shown of each.
    sheet: Sheet = field(default_factory=Sheet)
    shown: dict = field(default_factory=dict)


def screening_figures(screening: Screening, *, exact: bool) -> ScreeningFigures:
    """Completion and band counts by grade and class, for the results page.

    Five queries whatever the number of answers: invitations grouped by class, results grouped by
    instrument, class and band, the classes' numbers and grades, the scored instruments, and the
    two counts in one row. Every count is protected together (``figures_sheet``), as the page
    shows them together. The sheet holds the relations between the counts only where they are
    used (``exact=False``): exact figures hide nothing.

    The queries are kept by counseling.prepared (built and compiled once a process); the screening
    goes in by pk. (The classes are read apart: joined to the invitations, PostgreSQL would join
    every invitation before grouping them, which costs more than the query it saves.)
    """
    completion = prepared.rows(
        "archives.figures.completion",
        lambda screening: (
            Invitation.objects.filter(screening=screening)
            .values("school_class_id")
            .annotate(
                invited=Count("id"),
                answered=Count("id", filter=Q(status=InvitationStatus.SUBMITTED)),
                opted_out=Count("id", filter=opted_out_filter()),
            )
        ),
        screening=screening.pk,
    )
    band_counts = prepared.rows(
        "archives.figures.bands",
        lambda screening: (
            Result.objects.filter(screening=screening)
            .values("instrument_id", "school_class_id", "band")
            .annotate(n=Count("id"))
            .order_by()
        ),
        screening=screening.pk,
    )
    class_ids = {row["school_class_id"] for row in completion} | {row["school_class_id"] for row in band_counts}
    # class id -> (grade level, class number, grade id, grade name)
    classes = (
        {
            pk: rest
            for pk, *rest in prepared.rows(
                "archives.figures.classes",
                lambda classes: (
                    SchoolClass.objects.filter(pk__in=classes)
                    .order_by()
                    .values_list("pk", "grade__level", "number", "grade_id", "grade__name")
                ),
                classes=sorted(class_ids),
            )
        }
        if class_ids
        else {}
    )
    ordered_classes = sorted(classes, key=lambda pk: classes[pk][:2])
    grades = sorted({(level, grade_id, name) for level, _n, grade_id, name in classes.values()})
    grade_classes = {
        grade_id: [pk for pk in ordered_classes if classes[pk][2] == grade_id] for _l, grade_id, _n in grades
    }
    groups = [("school", "", ordered_classes)]
    groups += [(f"grade{grade_id}", name, grade_classes[grade_id]) for _l, grade_id, name in grades]
    groups += [(f"class{pk}", SchoolClass.label(classes[pk][3], classes[pk][1]), [pk]) for pk in ordered_classes]
    values: dict[str, int] = {}
    relations: list[Relation] = []

    def relate(whole: str, parts: list[str], *, equal: bool) -> None:
        if not exact:
            relations.append(Relation(whole, tuple(parts), equal))

    def add_up(whole: str, parts: list[str]) -> None:
        if len(parts) > 1:
            relate(whole, parts, equal=True)

    # Completion ------------------------------------------------------------------------------
    by_class = {row["school_class_id"]: row for row in completion}
    measures = ("invited", "answered", "opted_out")
    for key, _label, members in groups:
        rows = [by_class[pk] for pk in members if pk in by_class]
        for measure in measures:
            values[f"{key}:{measure}"] = sum(row[measure] for row in rows)
        if not exact:
            relate(f"{key}:invited", [f"{key}:answered", f"{key}:opted_out"], equal=False)
    # Exact figures hide nothing: their relations would not be used (nor made, below).
    for measure in measures if not exact else ():
        add_up(f"school:{measure}", [f"grade{grade_id}:{measure}" for _l, grade_id, _n in grades])
        for _l, grade_id, _n in grades:
            add_up(f"grade{grade_id}:{measure}", [f"class{pk}:{measure}" for pk in grade_classes[grade_id]])

    # Bands per instrument --------------------------------------------------------------------
    # The scored instruments, in the screening's order: made from their rows (what the page uses
    # of them), never saved.
    instruments = [
        Instrument(pk=pk, code=code, name_zh=name_zh, name_en=name_en, definition=definition, is_scored=True)
        for pk, code, name_zh, name_en, definition in prepared.rows(
            "archives.figures.instruments",
            lambda screening: ScreeningInstrument.objects.filter(
                screening=screening, instrument__is_scored=True
            ).values_list(
                "instrument_id", *(f"instrument__{name}" for name in ("code", "name_zh", "name_en", "definition"))
            ),
            screening=screening.pk,
        )
    ]
    counts: dict[int, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for row in band_counts:
        counts[row["instrument_id"]][row["school_class_id"]][row["band"]] += row["n"]
    columns: dict[int, list[BandColumn]] = {}
    for instrument in instruments:
        columns[instrument.pk] = [BandColumn(b["code"], localized(b["label"]), b["level"]) for b in instrument.bands]
        codes = [band.code for band in columns[instrument.pk]]
        per_class = counts[instrument.pk]
        prefix = f"i{instrument.pk}"
        # Each class's counts in band order, once; a grade's and the school's are their classes' sums.
        zero = (0,) * len(codes)
        by_band = {pk: tuple(got.get(code, 0) for code in codes) if (got := per_class.get(pk)) else zero for pk in classes}
        for key, _label, members in groups:
            if len(members) == 1:
                sums = by_band[members[0]]
            else:
                # Column sums; ``zero`` among the rows gives a group with no classes its zeros.
                sums = tuple(map(sum, zip(zero, *map(by_band.get, members), strict=True)))
            values.update(zip([f"{prefix}:{key}:{code}" for code in codes], sums, strict=True))
            values[f"{prefix}:{key}:total"] = sum(sums)
            if not exact:
                relate(f"{prefix}:{key}:total", [f"{prefix}:{key}:{code}" for code in codes], equal=True)
                # One result per answer and instrument: a row's total is at most the answers.
                relate(f"{key}:answered", [f"{prefix}:{key}:total"], equal=False)
        for column in [*codes, "total"] if not exact else ():
            add_up(f"{prefix}:school:{column}", [f"{prefix}:grade{grade_id}:{column}" for _l, grade_id, _n in grades])
            for _l, grade_id, _n in grades:
                members = [f"{prefix}:class{pk}:{column}" for pk in grade_classes[grade_id]]
                add_up(f"{prefix}:grade{grade_id}:{column}", members)
    # The two counts in one row (each none when no row counts: what ``aggregate()`` gave).
    counts = prepared.rows(
        "archives.figures.counts",
        lambda screening: (
            Screening.objects.filter(pk=screening)
            .annotate(
                critical_count=Subquery(
                    Result.objects.filter(screening=OuterRef("pk"), is_critical=True)
                    .order_by()
                    .values("screening_id")
                    .annotate(n=Count("submission_id", distinct=True))
                    .values("n")
                ),
                warning_count=Subquery(
                    ScreeningWarning.objects.filter(screening=OuterRef("pk"))
                    .order_by()
                    .values("screening_id")
                    .annotate(n=Count("id"))
                    .values("n")
                ),
            )
            .values_list("critical_count", "warning_count")
        ),
        screening=screening.pk,
    )
    critical, warnings = next(iter(counts), (None, None))
    values["critical"] = critical or 0
    relate("school:answered", ["critical"], equal=False)
    values["warnings"] = warnings or 0
    sheet = Sheet(values=values, relations=relations)
    shown = sheet.protect(exact=exact)

    def share(numerator: str, denominator: str) -> float | None:
        """A share of two shown counts; none where either is hidden, so a bar never shows more than the table."""
        top, bottom = shown[numerator], shown[denominator]
        if top == HIDDEN or bottom == HIDDEN or not bottom:
            return None
        return top / bottom

    def completion_row(key: str, label: str) -> CompletionRow:
        return CompletionRow(
            label=label,
            invited=shown[f"{key}:invited"],
            answered=shown[f"{key}:answered"],
            share=share(f"{key}:answered", f"{key}:invited"),
            opted_out=shown[f"{key}:opted_out"],
        )

    def band_row(prefix: str, codes: list[str], key: str, label: str) -> Row:
        # What ``share`` gives for each band over the row's total, with the keys made once.
        row = f"{prefix}:{key}:"
        counts = {code: shown[row + code] for code in codes}
        total = shown[row + "total"]
        if total == HIDDEN:
            shares = dict.fromkeys(codes)
        elif not total:
            # Nobody in the group answered: an empty bar, not a hidden one (a counselor's exact
            # figures hide nothing; a suppressed zero is HIDDEN above).
            shares = dict.fromkeys(codes, 0.0)
        else:
            shares = {code: None if count == HIDDEN else count / total for code, count in counts.items()}
        return Row(label=label, counts=counts, total=total, shares=shares)

    class_groups = [(key, label) for key, label, _m in groups if key.startswith("class")]
    grade_groups = [(key, label) for key, label, _m in groups if key.startswith("grade")]
    tables = []
    for instrument in instruments:
        prefix, codes = f"i{instrument.pk}", [band.code for band in columns[instrument.pk]]
        tables.append(
            InstrumentTable(
                instrument=instrument,
                bands=columns[instrument.pk],
                grades=[band_row(prefix, codes, key, label) for key, label in grade_groups],
                classes=[band_row(prefix, codes, key, label) for key, label in class_groups],
                school=band_row(prefix, codes, "school", ""),
            )
        )
    return ScreeningFigures(
        completion_grades=[completion_row(key, label) for key, label in grade_groups],
        completion_classes=[completion_row(key, label) for key, label in class_groups if classes_in(key, by_class)],
        completion_school=completion_row("school", ""),
        instruments=tables,
        critical=shown["critical"],
        warnings=shown["warnings"],
        sheet=sheet,
        shown=shown,
    )


def classes_in(key: str, by_class: dict) -> bool:
    """Whether class ``key`` ("class<pk>") had invitations (the completion table lists those)."""
    return int(key.removeprefix("class")) in by_class
