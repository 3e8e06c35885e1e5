"""Small server-side SVG charts, inlined in pages.

Hand-made rather than pygal: the content security policy forbids inline styles and scripts,
and these charts use presentation attributes only (fill, stroke, font-size), no ``style``
attribute, no ``<style>`` element, no script. Every text is escaped. Each chart has a title
for screen readers, and every page that shows one also shows the numbers in a table.
"""

from __future__ import annotations

import datetime
import functools
import html
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext

FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, sans-serif"
# From least to most concerning band.
PALETTE = ("#2e7d32", "#8bc34a", "#fbc02d", "#fb8c00", "#e53935")
HIDDEN_FILL = "#bdbdbd"
TEXT = "#212529"
MUTED = "#6c757d"


def escape(text: object) -> str:
    """What ``django.utils.html.escape`` returns (it is ``html.escape(str(text))``), without its
    lazy-string and safe-string wrappers: the whole SVG is marked safe once, in ``_svg``."""
    return html.escape(str(text))


def band_colour(level: int, top_level: int) -> str:
    """A colour from green (level 0) to red (the most concerning level of the scale)."""
    if top_level <= 0:
        return PALETTE[0]
    return PALETTE[round(min(level, top_level) / top_level * 4)]


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" font-family="{FONT}" class="chart">'
        f"<title>{escape(title)}</title>"
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text above is escaped


@dataclass
class Segment:
    share: float | None  # 0..1, None = hidden (small cell)
    colour: str


@dataclass
class BarRow:
    label: str
    segments: list[Segment]
    note: str = ""


def stacked_bars(title: str, rows: Sequence[BarRow], legend: Sequence[tuple[str, str]]) -> SafeString:
    """Horizontal 100 % bars, one per row; hidden cells are drawn together in grey at the end.

    The drawing is a pure function of its texts, shares and colours, kept for the last few
    (``_drawn_bars``): a results page draws the same charts for every reader of the same
    figures. Only someone who passes the very same values gets a kept drawing back.
    """
    return bars_of(
        title,
        tuple(
            (str(row.label), tuple((segment.share, segment.colour) for segment in row.segments), str(row.note))
            for row in rows
        ),
        legend,
    )


def bars_of(
    title: str,
    rows: tuple[tuple[str, tuple[tuple[float | None, str], ...], str], ...],
    legend: Sequence[tuple[str, str]],
) -> SafeString:
    """``stacked_bars`` from plain values: each row as (label, ((share, colour), ...), note), all
    texts already ``str``. For a page that draws many rows: no ``BarRow`` is made only to be taken
    apart again for the kept drawing's key."""
    return _drawn_bars(str(title), rows, tuple((str(label), colour) for label, colour in legend))


@functools.lru_cache(maxsize=128)
def _drawn_bars(
    title: str,
    rows: tuple[tuple[str, tuple[tuple[float | None, str], ...], str], ...],
    legend: tuple[tuple[str, str], ...],
) -> SafeString:
    """``stacked_bars``' drawing, from hashable values (rows as (label, ((share, colour), ...), note))."""
    rows = [BarRow(label, [Segment(share, colour) for share, colour in segments], note) for label, segments, note in rows]
    label_w, bar_w, row_h, gap = 130, 420, 22, 8
    width = label_w + bar_w + 70
    legend_items, legend_h = _legend(legend, len(rows) * (row_h + gap) + 14, label_w, width - label_w)
    height = len(rows) * (row_h + gap) + 16 + legend_h
    body = []
    for index, row in enumerate(rows):
        y = 8 + index * (row_h + gap)
        body.append(
            f'<text x="{label_w - 8}" y="{y + row_h * 0.7:.1f}" text-anchor="end" font-size="13" fill="{TEXT}">'
            f"{escape(row.label)}</text>"
        )
        x = float(label_w)
        hidden = 1.0
        for segment in row.segments:
            if segment.share is None:
                continue
            w = segment.share * bar_w
            hidden -= segment.share
            if w > 0:
                body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h}" fill="{segment.colour}"/>')
            x += w
        if any(segment.share is None for segment in row.segments) and hidden > 0.0001:
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{hidden * bar_w:.1f}" height="{row_h}" fill="{HIDDEN_FILL}"/>'
            )
        if not row.segments or (all(s.share in (None, 0) for s in row.segments) and hidden >= 0.9999):
            body.append(
                f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="{row_h}" fill="none" stroke="{HIDDEN_FILL}"/>'
            )
        if row.note:
            body.append(
                f'<text x="{label_w + bar_w + 6}" y="{y + row_h * 0.7:.1f}" font-size="12" fill="{MUTED}">'
                f"{escape(row.note)}</text>"
            )
    body.extend(legend_items)
    return _svg(width, height, title, body)


def text_width(text: str, size: int = 12) -> float:
    """An estimate of the drawn width: CJK characters are about square, Latin ones about half."""
    return sum(size if ord(char) > 0x2E80 else size * 0.58 for char in text)


def _legend(legend: Sequence[tuple[str, str]], top: int, left: int, width: int = 480) -> tuple[list[str], int]:
    """Legend entries in as many equal columns as fit in ``width``; returns (elements, height)."""
    column = max((text_width(label) for label, _colour in legend), default=0) + 30
    columns = max(1, min(len(legend), int(width // column)))
    out = []
    for index, (label, colour) in enumerate(legend):
        col, line = index % columns, index // columns
        x, y = left + col * column, top + line * 20
        out.append(f'<rect x="{x:.0f}" y="{y}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 17:.0f}" y="{y + 10}" font-size="12" fill="{TEXT}">{escape(label)}</text>')
    lines = (len(legend) + columns - 1) // columns
    return out, lines * 20


def completion_bars(title: str, rows: Sequence[tuple[str, float | None, str]]) -> SafeString:
    """One bar per group: (label, share answered 0..1 or None when hidden, note text)."""
    answered, rest = "#0d6efd", "#e9ecef"
    return bars_of(
        title,
        tuple(
            (
                str(label),
                ((share, answered), (1 - share, rest)) if share is not None else ((None, HIDDEN_FILL),),
                str(note),
            )
            for label, share, note in rows
        ),
        [(pgettext("survey completion", "Answered"), answered), (pgettext("survey completion", "Not yet"), rest)],
    )


@dataclass
class TrendPoint:
    day: datetime.date
    total: int
    label: str  # e.g. the screening's title


def trend(title: str, points: Sequence[TrendPoint], bands: Sequence[dict], low: int, high: int) -> SafeString:
    """A line of totals over time, over background stripes for the bands (from the definition).

    Drawn on every request (``_drawn_trend``, from hashable values): one student's totals are never
    kept between requests, unlike ``stacked_bars``' drawings of a screening's shares.
    """
    return _drawn_trend(
        get_language(),
        str(title),
        tuple((point.day, point.total, str(point.label)) for point in points),
        tuple((band["min"], band["max"], band["level"]) for band in bands),
        low,
        high,
    )


def _drawn_trend(
    language: str | None,
    title: str,
    points: tuple[tuple[datetime.date, int, str], ...],
    bands: tuple[tuple[int, int, int], ...],
    low: int,
    high: int,
) -> SafeString:
    """``trend``'s drawing from hashable values (``language``: the active one, for the days)."""
    points = [TrendPoint(day, total, label) for day, total, label in points]
    bands = [{"min": minimum, "max": maximum, "level": level} for minimum, maximum, level in bands]
    left, top, plot_h, step = 36, 12, 170, 150
    plot_w = step * max(len(points), 2)
    width, height = left + plot_w + 10, top + plot_h + 52
    span = max(high - low, 1)
    top_level = max((band["level"] for band in bands), default=0)

    def y_of(value: float) -> float:
        return top + plot_h - (value - low) / span * plot_h

    body = []
    for band in bands:
        y1 = y_of(min(band["max"] + 0.5, high))
        y2 = y_of(max(band["min"] - 0.5, low))
        body.append(
            f'<rect x="{left}" y="{y1:.1f}" width="{plot_w}" height="{max(y2 - y1, 0):.1f}" '
            f'fill="{band_colour(band["level"], top_level)}" fill-opacity="0.18"/>'
        )
    for value in sorted({low, high, *[b["min"] for b in bands]}):
        body.append(
            f'<text x="{left - 6}" y="{y_of(value) + 4:.1f}" text-anchor="end" font-size="11" fill="{MUTED}">{value}</text>'
        )
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{MUTED}"/>')
    coords = []
    for index, point in enumerate(points):
        x = left + step / 2 + index * step
        coords.append((x, y_of(point.total)))
        label = point.label if len(point.label) <= 10 else point.label[:9] + "…"
        body.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="11" fill="{TEXT}">'
            f"{escape(formats.date_format(point.day, 'SHORT_DATE_FORMAT'))}</text>"
        )
        body.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 32}" text-anchor="middle" font-size="10" fill="{MUTED}">'
            f"{escape(label)}</text>"
        )
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f'<polyline points="{path}" fill="none" stroke="#0d6efd" stroke-width="2"/>')
    for (x, y), point in zip(coords, points, strict=True):
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#0d6efd"/>')
        body.append(
            f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="12" fill="{TEXT}">{point.total}</text>'
        )
    return _svg(width, height, title, body)
