"""The report's three outputs from one set of sections: chart SVGs, the PDF and the spreadsheet."""

from __future__ import annotations

import base64
import io
import unicodedata

import pygal
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from pygal.style import Style
from weasyprint import HTML

from counseling.reports.layout import sections
from counseling.reports.models import SemesterReport
from counseling.services.aggregates import HIDDEN, SMALL_CELL
from counseling.services.sections import Table, is_hidden

# Named explicitly so Chinese labels render (Debian: fonts-wqy-microhei).
CJK_FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
FORMULA_PREFIXES = ("=", "+", "-", "@")
LABEL_SIZE = 13
# A hidden cell's bar: this share of the longest bar, hatched.
HIDDEN_STUB = 0.06
HATCH = (
    '<pattern id="hidden-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#f8f9fa"/><line x1="0" y1="0" x2="0" y2="6" stroke="#495057" stroke-width="2"/>'
    "</pattern>"
)


def label_width(text: str, font_size: float) -> float:
    """How wide ``text`` is drawn: a CJK character is one em, anything else about 0.6 em.

    pygal reckons every character at 0.6 em, so a Chinese label (无或极轻微抑郁) got a margin too
    narrow for it and lost its first character.
    """
    return sum(font_size if unicodedata.east_asian_width(char) in "WF" else 0.6 * font_size for char in text)


def chart_svg(table: Table) -> bytes:
    """A bar chart of a table's count columns ("this term", and "previous term" where there is one), as SVG
    with no script (pygal, js=[]), in the reader's language.

    A hidden cell ("*") is drawn as a short hatched bar marked "*", never as an empty row that
    reads as zero; its length is the same for every hidden cell and says nothing of the count.
    A column with nothing to draw has no series and no legend entry.
    """
    columns = [
        (str(column), [row[index] for row in table.rows])
        for index, column in enumerate(table.columns[1:3], start=1)
        if any(isinstance(row[index], int | float) or is_hidden(row[index]) for row in table.rows)
    ]
    shown = [value for _name, values in columns for value in values if isinstance(value, int | float)]
    stub = max([*shown, SMALL_CELL]) * HIDDEN_STUB
    any_hidden = any(is_hidden(value) for _name, values in columns for value in values)
    labels = [str(row[0]) for row in table.rows]
    widest = max((label_width(label, LABEL_SIZE) for label in labels), default=0)
    style = Style(
        font_family=CJK_FONT,
        background="white",
        plot_background="white",
        colors=("#0d6efd", "#adb5bd"),
        label_font_size=LABEL_SIZE,
        major_label_font_size=LABEL_SIZE,
        value_font_size=LABEL_SIZE - 2,
        title_font_size=15,
        legend_font_size=LABEL_SIZE,
    )
    chart = pygal.HorizontalBar(
        js=[],
        style=style,
        show_legend=len(columns) > 1,
        legend_at_bottom=True,
        width=560,
        height=max(140, 34 * len(table.rows) + 110) + (24 if any_hidden else 0),
        print_values=True,
        truncate_label=-1,
        truncate_legend=-1,
        # Room for the widest label as drawn (pygal's own reckoning is 0.6 em per character).
        margin_left=int(20 + max(0.0, widest - len(max(labels, key=len, default="")) * 0.6 * LABEL_SIZE)),
        no_data_text=_("No data"),
        defs=[HATCH],
    )
    chart.title = table.title
    if any_hidden:
        chart.x_title = _("Hatched bar “*”: a hidden count")
    chart.x_labels = labels
    for name, values in columns:
        chart.add(name, [_bar(value, stub) for value in values])
    return chart.render()


def _bar(value: object, stub: float) -> object:
    if isinstance(value, int | float):
        return value
    if is_hidden(value):
        return {"value": stub, "style": "fill: url(#hidden-hatch); stroke: #495057", "formatter": lambda _x: HIDDEN}
    return None


def chart_data_uri(table: Table) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(chart_svg(table)).decode()


def pdf_bytes(report: SemesterReport) -> bytes:
    """The report as a tagged A4 PDF (WeasyPrint's PDF/UA-1 variant: a screen reader gets the headings
    and tables; block and table layout only, CJK font named in the CSS)."""
    parts = sections(report.data)
    charts = {table.ref: chart_data_uri(table) for section in parts for table in section.tables if table.chart}
    html = render_to_string("reports/print.html", {"report": report, "sections": parts, "charts": charts})
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula is prefixed with a quote mark."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def xlsx_bytes(report: SemesterReport) -> bytes:
    """Every table of the report on one sheet per section (openpyxl); formula-like text escaped."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    summary = workbook.create_sheet(_("Summary")[:31])
    summary.append([safe_cell(report.term.name), safe_cell(_("Version %(number)d") % {"number": report.version})])
    for title, text in (
        (_("Highlights"), report.highlights),
        (_("Problems"), report.problems),
        (_("Next term's plan"), report.next_plan),
    ):
        summary.append([safe_cell(title), safe_cell(text)])
    bold = Font(bold=True)
    for index, section in enumerate(sections(report.data), start=1):
        sheet = workbook.create_sheet(f"{index} {section.title}"[:31])
        if section.figures:
            sheet.append([_("Figure"), _("This term"), _("Previous term")])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for label, value, previous in section.figures:
                sheet.append([safe_cell(label), safe_cell(value), safe_cell(previous)])
            sheet.append([])
        for table in section.tables:
            sheet.append([safe_cell(table.title)])
            sheet[sheet.max_row][0].font = bold
            sheet.append([safe_cell(column) for column in table.columns])
            for row in table.rows:
                sheet.append([safe_cell(cell) for cell in row])
            sheet.append([])
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()
