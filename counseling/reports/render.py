"""The report's three outputs from one set of sections: chart SVGs, the PDF and the spreadsheet."""

from __future__ import annotations

import base64
import io

import pygal
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from pygal.style import Style
from weasyprint import HTML

from counseling.reports.layout import sections
from counseling.reports.models import SemesterReport
from counseling.services.sections import Table

# Named explicitly so Chinese labels render (Debian: fonts-wqy-microhei).
CJK_FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
FORMULA_PREFIXES = ("=", "+", "-", "@")


def chart_svg(table: Table) -> bytes:
    """A bar chart of a table's "this term" column, as SVG with no script (pygal, js=[]).

    Hidden cells ("*") get no bar, so the chart never shows more than the table does.
    """
    style = Style(
        font_family=CJK_FONT,
        background="white",
        plot_background="white",
        colors=("#0d6efd", "#adb5bd"),
        label_font_size=13,
        major_label_font_size=13,
        title_font_size=15,
    )
    chart = pygal.HorizontalBar(
        js=[],
        style=style,
        show_legend=len(table.columns) > 2,
        legend_at_bottom=True,
        width=560,
        height=max(140, 34 * len(table.rows) + 110),
        print_values=False,
    )
    chart.title = table.title
    chart.x_labels = [str(row[0]) for row in table.rows]
    for index, column in enumerate(table.columns[1:3], start=1):
        chart.add(str(column), [row[index] if isinstance(row[index], int | float) else None for row in table.rows])
    return chart.render()


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
