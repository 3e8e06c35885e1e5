"""Issue 16, item 4: what the printed and exported summary shows a reader.

Hidden counts read as zero in the charts, the legend named a series with no bars, "No data" was
English on a Chinese page, a long Chinese label lost a character, the workload column read 会话
and the page numbers were set in a serif font.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from counseling.reports import services
from counseling.reports.layout import find_table, sections
from counseling.reports.render import LABEL_SIZE, chart_svg, label_width
from counseling.services.aggregates import HIDDEN
from counseling.services.sections import Table

PHQ9 = Table(
    "bands",
    "按最近一次结果统计的学生人数：PHQ-9",
    ["组别", "本学期", "上学期"],
    [["无或极轻微抑郁", 50, HIDDEN], ["轻度抑郁", 30, HIDDEN], ["重度抑郁", HIDDEN, HIDDEN]],
    chart=True,
)


def _svg(table: Table) -> str:
    with translation.override("zh-hans"):
        return chart_svg(table).decode()


def test_a_hidden_count_is_a_hatched_bar_marked_with_the_mark_not_an_empty_row() -> None:
    svg = _svg(PHQ9)
    # Four hidden cells, four hatched bars, each printed "*"; the shown counts as they are.
    assert len(re.findall(r'<g class="bar" style="fill: url\(#hidden-hatch\)', svg)) == 4
    values = re.findall(r'class="value">([^<]*)</text>', svg)
    assert sorted(values) == sorted(["50", "30", HIDDEN, HIDDEN, HIDDEN, HIDDEN])
    assert "斜线条“*”：隐藏的人数" in svg
    # Both series have bars, so both are in the legend.
    assert re.findall(r"<text[^>]*>(本学期|上学期)</text>", svg) == ["本学期", "上学期"]


def test_a_column_with_nothing_to_draw_has_no_legend_entry() -> None:
    table = Table("t", "标题", ["组别", "本学期", "上学期"], [["甲", 7, None], ["乙", 9, None]], chart=True)
    svg = _svg(table)
    assert "上学期" not in svg
    assert "url(#hidden-hatch)" not in svg.split("</defs>")[-1]


def test_an_empty_chart_says_so_in_chinese() -> None:
    svg = _svg(Table("t", "标题", ["组别", "本学期"], [], chart=True))
    assert "暂无数据" in svg and "No data" not in svg


def test_the_longest_chinese_label_fits_left_of_the_bars() -> None:
    svg = _svg(PHQ9)
    (left,) = {float(x) for x in re.findall(r'<g transform="translate\(([\d.]+), [\d.]+\)" class="plot">', svg)}
    label = re.search(r'<text x="(-[\d.]+)"[^>]*>无或极轻微抑郁</text>', svg)
    # Anchored at its end, 5 px left of the plot: the whole label must lie inside the picture.
    assert left + float(label.group(1)) >= label_width("无或极轻微抑郁", LABEL_SIZE)


@pytest.fixture
def published(term, head, counselor, other_counselor):
    report = services.request_report(term, head)
    services.build_report(report.pk)
    report.refresh_from_db()
    services.publish(report, head)
    return report


@pytest.mark.django_db
def test_every_font_in_the_pdf_is_the_cjk_one_page_numbers_too(published, head, client_for) -> None:
    pdf = client_for(head).get(reverse("reports:pdf", args=[published.pk])).getvalue()
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert names and all(re.search(r"WenQuanYi|Noto", name) for name in names), names
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert re.search(r"^1 ?/ ?\d+$", text, re.MULTILINE)


@pytest.mark.django_db
def test_the_workload_columns_read_sessions_and_notes_in_chinese(counselor) -> None:
    data = {
        "current": {
            "appointments": {"sessions": 12, "sessions_by_counselor": [{"counselor_id": counselor.pk, "sessions": 12}]},
            "cases": {"notes": 9, "notes_by_counselor": {str(counselor.pk): 9}},
        },
        "previous": {},
    }
    with translation.override("zh-hans"):
        table = find_table(data, "workload.by_counselor")
    assert table.columns == ["心理辅导教师", "咨询次数", "记录份数"]
    assert "会话" not in " ".join(table.columns)


@pytest.mark.django_db
def test_a_previous_total_is_never_a_zero_beside_hidden_rows() -> None:
    """The previous term's 3 phone sessions were shown as a total of 0 beside rows marked hidden."""
    current = {"sessions": 12, "sessions_by_channel": {"phone": 7, "online": 5}}
    previous = {"sessions": 3, "sessions_by_channel": {"phone": 3}}
    data = {"current": {"appointments": current}, "previous": {"appointments": previous}}
    with translation.override("en"):
        (section,) = sections(data)
    figures = {label: (now, before) for label, now, before in section.figures}
    assert figures["Individual sessions held"][1] == HIDDEN
    rows = {row[0]: row[2] for row in section.tables[0].rows}
    assert set(rows.values()) == {HIDDEN}
