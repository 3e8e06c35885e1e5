"""Aggregate figures for screenings, with small-cell suppression.

Suppression (counseling.services.aggregates) is the one rule for every aggregate a school leader
or an administrator sees: any group of fewer than ``SMALL_CELL`` students -- none included --
shows as "<5" instead of a number.

- ``suppress(n)`` for a single count.
- ``suppress_row(counts)`` for a row of counts whose total is shown too (e.g. the bands of one
  class). Hiding one small cell is not enough there: the total minus the others gives it back.
  So when exactly one cell of a row is small, the smallest other cell is hidden as well and
  shows "—" (complementary suppression).

Counselors see exact figures (``exact=True``): they may see the students' own results anyway.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from archives.models import Instrument, Invitation, InvitationStatus, Result, Screening
from archives.texts import localized
from counseling.models import SchoolClass

# Re-exported: archives' views and tests use the rule through this module.
from counseling.services.aggregates import HIDDEN, SMALL_CELL, SUPPRESSED, suppress, suppress_row  # noqa: F401

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


def screening_figures(screening: Screening, *, exact: bool) -> ScreeningFigures:
    """Completion and band counts by grade and class, for the results page.

    A fixed number of queries whatever the number of answers: invitations grouped by class,
    results grouped by instrument, class and band, the classes, the instruments, and two counts.
    """
    completion = list(
        Invitation.objects.filter(screening=screening)
        .values("school_class_id")
        .annotate(
            invited=Count("id"),
            answered=Count("id", filter=Q(status=InvitationStatus.SUBMITTED)),
            opted_out=Count("id", filter=opted_out_filter()),
        )
    )
    band_counts = list(
        Result.objects.filter(screening=screening)
        .values("instrument_id", "school_class_id", "band")
        .annotate(n=Count("id"))
        .order_by()
    )
    class_ids = {row["school_class_id"] for row in completion} | {row["school_class_id"] for row in band_counts}
    classes = {c.pk: c for c in SchoolClass.objects.filter(pk__in=class_ids).select_related("grade")}
    grades = sorted({c.grade for c in classes.values()}, key=lambda g: g.level)
    ordered_classes = sorted(classes.values(), key=lambda c: (c.grade.level, c.number))

    # Completion ------------------------------------------------------------------------------
    by_class = {row["school_class_id"]: row for row in completion}

    def completion_row(label: str, rows: list[dict]) -> CompletionRow:
        invited = sum(r["invited"] for r in rows)
        answered = sum(r["answered"] for r in rows)
        opted_out = sum(r["opted_out"] for r in rows)
        return CompletionRow(
            label=label,
            invited=suppress(invited, exact=exact),
            answered=suppress(answered, exact=exact),
            # The bar would show a hidden count exactly: no bar for small groups.
            share=(answered / invited) if invited and (exact or min(invited, answered) >= SMALL_CELL) else None,
            opted_out=suppress(opted_out, exact=exact),
        )

    completion_classes = [completion_row(str(c), [by_class[c.pk]]) for c in ordered_classes if c.pk in by_class]
    completion_grades = [
        completion_row(str(g), [by_class[c.pk] for c in ordered_classes if c.grade_id == g.pk and c.pk in by_class])
        for g in grades
    ]
    completion_school = completion_row("", completion)

    # Bands per instrument --------------------------------------------------------------------
    parts = list(screening.parts.select_related("instrument"))
    counts: dict[int, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for row in band_counts:
        counts[row["instrument_id"]][row["school_class_id"]][row["band"]] += row["n"]
    tables = []
    for part in parts:
        instrument = part.instrument
        if not instrument.is_scored:
            continue
        bands = [BandColumn(b["code"], localized(b["label"]), b["level"]) for b in instrument.bands]
        codes = [band.code for band in bands]
        per_class = counts[instrument.pk]

        def make_row(label: str, class_list: list[SchoolClass], codes=codes, per_class=per_class) -> Row:
            raw = {code: sum(per_class[c.pk][code] for c in class_list) for code in codes}
            total = sum(raw.values())
            shown = suppress_row(raw, exact=exact)
            shares = {code: (raw[code] / total if total and isinstance(shown[code], int) else None) for code in codes}
            return Row(label=label, counts=shown, total=suppress(total, exact=exact), shares=shares)

        tables.append(
            InstrumentTable(
                instrument=instrument,
                bands=bands,
                grades=[make_row(str(g), [c for c in ordered_classes if c.grade_id == g.pk]) for g in grades],
                classes=[make_row(str(c), [c]) for c in ordered_classes],
                school=make_row("", ordered_classes),
            )
        )
    critical = Result.objects.filter(screening=screening, is_critical=True).values("submission_id").distinct().count()
    warnings = screening.warnings.count()
    return ScreeningFigures(
        completion_grades=completion_grades,
        completion_classes=completion_classes,
        completion_school=completion_school,
        instruments=tables,
        critical=suppress(critical, exact=exact),
        warnings=suppress(warnings, exact=exact),
    )
