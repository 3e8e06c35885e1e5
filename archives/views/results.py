"""Screening results: aggregate figures and charts (suppressed for leaders and administrators),
and one submission's answers for counselors (audited)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from archives import access, charts
from archives.models import InvitationStatus, Result, Screening, ScreeningStatus
from archives.services import aggregates
from archives.texts import localized
from counseling import prepared
from counseling.decorators import require_perm
from counseling.models.audit import AuditAction
from counseling.services.audit import record


def _exact(user) -> bool:
    """Counselors see exact figures; everyone else (leaders, administrators) sees suppressed ones."""
    return user.has_perm("archives.view_archive")


@require_perm("archives.view_screening_results")
def results_index(request: HttpRequest) -> HttpResponse:
    exact = _exact(request.user)
    rows = (
        Screening.objects.filter(status=ScreeningStatus.PUBLISHED)
        .annotate(
            invited=Count("invitations"),
            answered=Count("invitations", filter=Q(invitations__status=InvitationStatus.SUBMITTED)),
        )
        .order_by("-opens_at", "-id")[:200]
    )
    screenings = []
    for s in rows:
        # Answered is at most invited: both go through the rule together.
        sheet = aggregates.Sheet()
        sheet.count("invited", s.invited)
        sheet.count("answered", s.answered)
        sheet.at_most("invited", ["answered"])
        shown = sheet.protect(exact=exact)
        screenings.append({"screening": s, "invited": shown["invited"], "answered": shown["answered"]})
    return render(request, "archives/results_index.html", {"screenings": screenings})


def _table_body(rows: list, cells_of, memo: dict) -> SafeString:
    """A table's ``<tr>`` rows: the group's label, then its counts (a number or ``HIDDEN``).

    The same HTML as a template loop with ``{{ value }}`` per cell, made in one go: a results page
    shows some hundreds of counts with few distinct values, so each distinct value is localised
    and escaped once (``memo``), not once per cell by the template engine.
    """
    lines = []
    for row in rows:
        cells = []
        for value in cells_of(row):
            cell = memo.get(value)
            if cell is None:
                cell = memo[value] = f"<td>{charts.escape(formats.localize(value))}</td>"
            cells.append(cell)
        label = charts.escape(row.label or _("Whole screening"))
        lines.append(f'<tr><th scope="row" class="fw-normal">{label}</th>{"".join(cells)}</tr>')
    return mark_safe("".join(lines))  # noqa: S308 - every label and value is escaped above


def _band_table(heading: str, testid: str, band_heads: str, body: SafeString) -> SafeString:
    """A band table: what ``{% include "archives/_band_table.html" %}`` gave, made here (the page
    shows two of them an instrument). ``band_heads`` are the bands' escaped ``<th>`` cells."""
    return mark_safe(  # noqa: S308 - the heading, the test id and the band labels are escaped; body is safe
        f'\n<div class="table-responsive">\n<table class="table table-sm align-middle" data-testid="{charts.escape(testid)}">\n'
        f'  <thead><tr><th scope="col">{charts.escape(heading)}</th>{band_heads}'
        f'<th scope="col">{charts.escape(_("Answered"))}</th></tr></thead>\n'
        f"  <tbody>\n  {body}\n  </tbody>\n</table>\n</div>\n"
    )


def _completion_cells(row: aggregates.CompletionRow) -> list[int | str]:
    return [row.answered, row.invited, row.opted_out]


def _band_cells(row: aggregates.Row) -> list[int | str]:
    return [*row.counts.values(), row.total]


def _published_screening(pk: int) -> Screening:
    """``get_object_or_404(Screening, pk=pk, status=PUBLISHED)``, its row read through
    counseling.prepared (the pk goes in as a value) and made an instance as the ORM makes one."""
    fields = [field.attname for field in Screening._meta.concrete_fields]
    found = prepared.rows(
        "archives.results.screening",
        lambda pk: Screening.objects.filter(pk=pk, status=ScreeningStatus.PUBLISHED).order_by().values_list(*fields),
        pk=pk,
    )
    if not found:
        raise Http404("No Screening matches the given query.")
    return Screening.from_db(Screening.objects.db, fields, found[0])


@require_perm("archives.view_screening_results")
def screening_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Completion and band counts by grade and class, with charts; a fixed number of queries.

    The tables' rows are made here (``_table_body``), not by per-cell template tags: the page
    has hundreds of cells. Nothing of it is cached: the figures are confidential.
    """
    screening = _published_screening(pk)
    exact = _exact(request.user)
    figures = aggregates.screening_figures(screening, exact=exact)
    completion_chart = charts.completion_bars(
        _("Share of students who answered, by class"),
        [(row.label, row.share, f"{row.answered}/{row.invited}") for row in figures.completion_classes],
    )
    memo: dict = {}
    tables = []
    grade_heading, class_heading = _("Grade"), _("Class")
    for table in figures.instruments:
        top = max((band.level for band in table.bands), default=0)
        colours = {band.code: charts.band_colour(band.level, top) for band in table.bands}
        legend = [(band.label, colours[band.code]) for band in table.bands]
        rows = [*table.grades, *table.classes]
        if any(share is None for row in rows for share in row.shares.values()):
            legend.append((_("Hidden (*)"), charts.HIDDEN_FILL))

        def bars(rows, band_colours=tuple((band.code, colours[band.code]) for band in table.bands)):
            """The chart's rows as ``charts.bars_of`` takes them: (label, ((share, colour), ...), note)."""
            return tuple(
                (str(row.label), tuple((row.shares.get(code), colour) for code, colour in band_colours), str(row.total))
                for row in rows
            )

        band_heads = "".join(f'<th scope="col">{charts.escape(band.label)}</th>' for band in table.bands)
        tables.append(
            {
                "table": table,
                "grade_table": _band_table(
                    grade_heading, "bands-grades", band_heads, _table_body(table.grades, _band_cells, memo)
                ),
                "class_table": _band_table(
                    class_heading, "bands-classes", band_heads, _table_body(table.classes, _band_cells, memo)
                ),
                "grade_chart": charts.bars_of(
                    _("%(instrument)s bands by grade") % {"instrument": table.instrument.short_name},
                    bars(table.grades),
                    legend,
                ),
                "class_chart": charts.bars_of(
                    _("%(instrument)s bands by class") % {"instrument": table.instrument.short_name},
                    bars(table.classes),
                    legend,
                ),
            }
        )
    context = {
        "screening": screening,
        "figures": figures,
        "exact": exact,
        "completion_chart": completion_chart,
        "completion_grades": _table_body(figures.completion_grades, _completion_cells, memo),
        "completion_classes": _table_body(figures.completion_classes, _completion_cells, memo),
        "tables": tables,
        "small_cell": aggregates.SMALL_CELL,
    }
    return render(request, "archives/screening_results.html", context)


@require_perm("archives.view_archive")
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One named submission's answers and scores, for counselors. Audited as a read."""
    submission = access.get_submission_for(request.user, pk)
    record(request.user, AuditAction.VIEW, submission, request=request, student_id=submission.student_id)
    answers = submission.answer_data()
    results = {
        r.instrument_id: r
        for r in Result.objects.visible_to(request.user).filter(submission=submission).select_related("instrument")
    }
    sections = []
    for part in submission.screening.parts.select_related("instrument"):
        instrument = part.instrument
        given = answers.get(instrument.code, {})
        result = results.get(instrument.pk)
        rows = []
        for number, item in enumerate(instrument.items, start=1):
            value = given.get(item["id"])
            label = ""
            if item["type"] == "choice":
                label = next((localized(o["label"]) for o in item["options"] if o["value"] == value), "")
            rows.append(
                {
                    "number": number,
                    "text": localized(item["text"]),
                    "value": value if item["type"] == "choice" else None,
                    "answer": label if item["type"] == "choice" else (value or ""),
                    "critical": bool(result and item["id"] in result.critical_items),
                    "reverse": item["reverse"],
                }
            )
        sections.append({"instrument": instrument, "result": result, "rows": rows})
    return render(request, "archives/submission_detail.html", {"submission": submission, "sections": sections})
